import { Comparator } from './types';

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * Judges a Prometheus `/api/v1/query` answer: a scalar, or a vector whose
 * every sample must satisfy the comparison. An empty vector fails: no data
 * is not evidence that the system is healthy.
 */
export function evaluatePromql(
  body: unknown,
  comparator: Comparator,
  threshold: number,
): { ok: boolean; message: string } {
  const b = body as { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  if (b?.status !== 'success')
    return { ok: false, message: `query failed: ${b?.error ?? 'no success status'}` };
  const { resultType, result } = b.data ?? {};
  let values: number[];
  if (resultType === 'scalar') values = [Number((result as [number, string])[1])];
  else if (resultType === 'vector')
    values = (result as { value: [number, string] }[]).map((r) => Number(r.value[1]));
  else return { ok: false, message: `unsupported result type ${String(resultType)}` };
  if (values.length === 0) return { ok: false, message: 'query returned no samples' };
  const bad = values.filter((v) => Number.isNaN(v) || !compare(v, comparator, threshold));
  return bad.length
    ? { ok: false, message: `${bad[0]} is not ${comparator} ${threshold}` }
    : { ok: true, message: `${values.join(', ')} ${comparator} ${threshold}` };
}
