/**
 * Fields added to every log line. Tracing registers a provider here so log lines
 * carry `trace_id`/`span_id` without the logging code depending on OpenTelemetry.
 */
type ContextProvider = () => Record<string, unknown>;
const providers: ContextProvider[] = [];

export function registerLogContext(provider: ContextProvider): void {
  providers.push(provider);
}

export function logMixin(): Record<string, unknown> {
  if (providers.length === 0) return {};
  const out: Record<string, unknown> = {};
  for (const p of providers) Object.assign(out, p());
  return out;
}
