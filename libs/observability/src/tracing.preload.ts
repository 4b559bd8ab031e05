/**
 * Loaded with `node --require <dist/tracing.preload.js>` (or `NODE_OPTIONS=--require ...`)
 * so the OpenTelemetry SDK patches http, pg and Nest before any of them is loaded:
 * instrumentation that starts later misses modules already in the require cache.
 *
 * Tracing must never stop the shop: a failure here is reported and the service starts untraced.
 */
import { startTracing } from './tracing/sdk';

try {
  startTracing();
} catch (err) {
  process.stderr.write(
    `${JSON.stringify({ level: 40, time: Date.now(), msg: `tracing disabled: ${(err as Error).message}` })}\n`,
  );
}
