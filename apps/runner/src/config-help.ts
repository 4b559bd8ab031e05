// The usage text of `make demo`: keep it in step with the options parseConfig (config.ts) reads.
const HELP = `Usage: node apps/runner/dist/demo.js [options]      (make demo)

  --replicas N          replicas per service (env DEMO_REPLICAS, default 2)
  --edge-port P         public edge (env DEMO_EDGE_PORT, default 8080)
  --status-port P       runner status/chaos API (env DEMO_STATUS_PORT, default 8079)
  --pg-port P           embedded PostgreSQL (env DEMO_PG_PORT, default 54329)
  --base-port P         replica port block, 0 = free ports (env DEMO_BASE_PORT, default 8100)
  --storefront-port P   storefront, when apps/storefront exists (env DEMO_STOREFRONT_PORT, default 3000)
  --no-storefront       do not start the storefront
  --services a,b        only these services (env DEMO_SERVICES, default all)
  --data-dir DIR        state folder (env DEMO_DATA_DIR, default .data)
  --log-level L         services' LOG_LEVEL (env DEMO_LOG_LEVEL, default info; logs go to <data-dir>/logs)
  --quiet               no status table
  --probe-interval-ms MS      readiness probe period (env DEMO_PROBE_INTERVAL_MS, default 1000)
  --liveness-period-ms MS     liveness probe period (env DEMO_LIVENESS_PERIOD_MS, default 2000)
  --liveness-failures N       failed liveness probes in a row before SIGKILL
                              (env DEMO_LIVENESS_FAILURES, default 5)

  --no-prometheus       do not start Prometheus (env DEMO_PROMETHEUS=0)
  --prometheus-port P   Prometheus on loopback, 0 = a free port (env DEMO_PROMETHEUS_PORT, default 9090)
  --scrape-interval S   scrape and rule evaluation interval in seconds (env DEMO_SCRAPE_INTERVAL, default 5)
  --retention R         Prometheus retention (env DEMO_PROMETHEUS_RETENTION, default 12h)
  --no-jaeger           do not start Jaeger (env DEMO_JAEGER=0)
  --jaeger-port P       Jaeger query API (env DEMO_JAEGER_PORT, default 16686)
  --otlp-port P         Jaeger's OTLP/HTTP receiver (env DEMO_OTLP_PORT, default 4318)
  --trace-sampling R    share of traces kept, 0..1 (env DEMO_TRACE_SAMPLING, default 1)
  --no-autoscale        fixed replica count (env DEMO_AUTOSCALE=0)
  --autoscale-min N     fewest replicas per service (env DEMO_AUTOSCALE_MIN, default 2)
  --autoscale-max N     most replicas per service (env DEMO_AUTOSCALE_MAX, default 4)
  --autoscale-limits L  per service, e.g. product-service=2:6,checkout-service=2:3 (env DEMO_AUTOSCALE_LIMITS)
  --autoscale-target X  target in-flight requests per ready replica (env DEMO_AUTOSCALE_TARGET, default 2)
  --autoscale-sync-ms MS           decision period (env DEMO_AUTOSCALE_SYNC_MS, default 5000)
  --autoscale-metric-window-ms MS  in-flight averaged over (env DEMO_AUTOSCALE_METRIC_WINDOW_MS, default 15000)
  --scale-down-window-s S          scale-down stabilisation window (env DEMO_SCALE_DOWN_WINDOW_S, default 300)
`;

export function helpText(): string {
  return HELP;
}
