import { SelectorMode } from './types';

/**
 * How many of `total` candidates a Chaos Mesh selector mode picks, with Chaos
 * Mesh's own arithmetic (percentages round down; random-max-percent draws
 * 0..max), so `pod-delete` and the local runner pick as Chaos Mesh would.
 */
export function selectionSize(
  mode: SelectorMode,
  value: string | undefined,
  total: number,
  random: () => number = Math.random,
): number {
  const n = value === undefined ? NaN : Number(value);
  switch (mode) {
    case 'one':
      return Math.min(1, total);
    case 'all':
      return total;
    case 'fixed':
      return Math.min(total, n);
    case 'fixed-percent':
      return Math.floor((total * n) / 100);
    case 'random-max-percent':
      return Math.floor(random() * (Math.floor((total * n) / 100) + 1));
  }
}

/** Picks the victims: a uniformly random subset of the given size. */
export function selectTargets<T>(
  candidates: readonly T[],
  mode: SelectorMode,
  value: string | undefined,
  random: () => number = Math.random,
): T[] {
  const pool = [...candidates];
  const size = selectionSize(mode, value, pool.length, random);
  // Partial Fisher-Yates: the first `size` slots end up a uniform sample.
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, size);
}
