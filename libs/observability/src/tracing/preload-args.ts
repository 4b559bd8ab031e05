import { resolve } from 'node:path';

/**
 * Absolute path of the compiled preload. Resolved from the library root so it is the
 * same whether this code runs from `src/` (tests) or `dist/` (the runner).
 */
export function tracingPreloadPath(): string {
  return resolve(__dirname, '..', '..', 'dist', 'tracing.preload.js');
}

/** Node arguments that start tracing before anything else: `['--require', <preload>]`. */
export function nodePreloadArgs(): string[] {
  return ['--require', tracingPreloadPath()];
}
