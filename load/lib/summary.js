// The end-of-test summary as a small JSON (LOAD_SUMMARY=<file>): the figures `make bench`
// reports for the shoppers scenario (bench/lib/shoppers.mjs reads them), readable as they are.
import { FAILURE_COUNTERS } from './shop.js';

export function compactSummary(data, profile) {
  const m = data.metrics;
  const value = (metric, key) =>
    m[metric] && m[metric].values[key] !== undefined ? m[metric].values[key] : 0;
  const failures = {};
  for (const [kind, metric] of Object.entries(FAILURE_COUNTERS)) {
    const n = value(metric, 'count');
    if (n > 0) failures[kind] = n;
  }
  const thresholds = {};
  for (const [metric, { thresholds: checks }] of Object.entries(m))
    for (const [expression, result] of Object.entries(checks || {}))
      thresholds[`${metric} ${expression}`] = result.ok;
  // Which step failed: each journey step is a named check ('cart created', 'order accepted'...).
  const checks = {};
  for (const c of data.root_group.checks || []) checks[c.name] = { passes: c.passes, fails: c.fails };
  return {
    profile,
    testRunS: data.state.testRunDurationMs / 1000,
    vusMax: value('vus_max', 'max'),
    iterations: value('iterations', 'count'),
    requests: value('http_reqs', 'count'),
    requestsPerSec: value('http_reqs', 'rate'),
    p50Ms: value('http_req_duration', 'p(50)'),
    p95Ms: value('http_req_duration', 'p(95)'),
    p99Ms: value('http_req_duration', 'p(99)'),
    maxMs: value('http_req_duration', 'max'),
    // Failed requests (status 0, 4xx except the protocol's 409, 5xx) over all requests.
    errorRate: value('http_req_failed', 'rate'),
    failures,
    checks,
    ordersAccepted: value('orders_accepted', 'count'),
    ordersParked: value('orders_parked', 'count'),
    thresholds,
  };
}

export function summaryLine(s, file) {
  return (
    `${s.profile}: ${s.requests} requests, p95 ${s.p95Ms.toFixed(1)} ms, ` +
    `${(s.errorRate * 100).toFixed(2)} % failed, ${s.ordersAccepted} orders accepted; summary in ${file}\n`
  );
}
