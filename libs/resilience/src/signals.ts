export interface LinkedSignal {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * An AbortSignal that aborts when any input aborts (with that input's reason). Written by
 * hand rather than AbortSignal.any so the listeners on long-lived parent signals are removed
 * as soon as the call ends instead of waiting for garbage collection.
 */
export function linkSignals(...inputs: Array<AbortSignal | undefined>): LinkedSignal {
  const ctrl = new AbortController();
  const signals = inputs.filter((s): s is AbortSignal => s !== undefined);
  const already = signals.find((s) => s.aborted);
  if (already) {
    ctrl.abort(already.reason);
    return { signal: ctrl.signal, dispose: () => undefined };
  }
  const listeners = signals.map((s) => {
    const onAbort = () => ctrl.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    return () => s.removeEventListener('abort', onAbort);
  });
  return { signal: ctrl.signal, dispose: () => listeners.forEach((remove) => remove()) };
}

/** Reason used when a call's deadline passes. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  constructor(readonly deadline: number) {
    super(`deadline ${new Date(deadline).toISOString()} exceeded`);
  }
}

/** A signal that aborts at an absolute epoch-ms deadline (immediately if already past). */
export function deadlineSignal(deadline: number): LinkedSignal {
  const ctrl = new AbortController();
  const remaining = deadline - Date.now();
  if (remaining <= 0) {
    ctrl.abort(new DeadlineExceededError(deadline));
    return { signal: ctrl.signal, dispose: () => undefined };
  }
  const timer = setTimeout(() => ctrl.abort(new DeadlineExceededError(deadline)), remaining);
  timer.unref();
  return { signal: ctrl.signal, dispose: () => clearTimeout(timer) };
}

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
