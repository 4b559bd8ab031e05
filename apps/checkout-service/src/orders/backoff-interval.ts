/**
 * The one backoff rule for rows retried on a schedule (a parked payment, a cancelled order's
 * charge check): exponential on the attempts so far, capped, with jitter so replicas that failed
 * together do not retry together. SQL, so the delay is computed where the row is updated.
 *
 * @param attempts an SQL expression for the attempts so far
 * @param baseMs the placeholder of the first delay, in milliseconds
 * @param maxMs the placeholder of the cap, in milliseconds
 */
export const backoffInterval = (attempts: string, baseMs: string, maxMs: string): string =>
  `make_interval(secs => least(${maxMs}::float8, ${baseMs}::float8 * power(2, least(${attempts}, 30))) * (0.5 + random() / 2) / 1000)`;
