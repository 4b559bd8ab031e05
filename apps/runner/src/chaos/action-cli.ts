import { parseArgs } from 'node:util';
import { request } from 'undici';
import { RunnerEvent } from '../event-log';
import { formatEvent, table } from '../status-view';
import type { runnerStatus } from '../status-api';

const USAGE = `Chaos against a running "make demo" (talks to the runner's status API).

  npm run chaos -- kill <service> [--replica N]           SIGKILL one replica (random if not given)
  npm run chaos -- freeze <service> [--seconds S] [--replica N]   SIGSTOP, SIGCONT after S (default 5) s
  npm run chaos -- postgres-stop [--seconds S]            stop PostgreSQL for S (default 5) s
  npm run chaos -- latency <service> <ms>                 add latency to every request of a service
  npm run chaos -- errors <service> <rate>                answer a share (0..1) of requests with 503
  npm run chaos -- faults <service> [--latency-ms MS] [--error-rate R] [--decline-rate R] [--outage-rate R]
  npm run chaos -- heal                                   thaw, clear faults, PostgreSQL back up
  npm run chaos -- status | events

  services: product-service user-service checkout-service payment-service analytics-service
  (payment-service: "errors" sets its provider outage rate; --decline-rate declines cards)
  --status-url URL   runner status API (env DEMO_STATUS_URL, default http://127.0.0.1:8079)
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      replica: { type: 'string' },
      seconds: { type: 'string' },
      'latency-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'decline-rate': { type: 'string' },
      'outage-rate': { type: 'string' },
      'status-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, service, arg] = positionals;
  if (values.help || !action || action === 'help') {
    console.log(USAGE);
    return action || values.help ? 0 : 2;
  }
  const base = (values['status-url'] ?? process.env.DEMO_STATUS_URL ?? 'http://127.0.0.1:8079').replace(
    /\/$/,
    '',
  );
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const replica = num(values.replica);
  const seconds = num(values.seconds);
  const needService = () => {
    if (!service) throw new Error(`${action} needs a service name\n\n${USAGE}`);
    return service;
  };

  switch (action) {
    case 'status': {
      const status = (await call(base, 'GET', '/status')) as ReturnType<typeof runnerStatus>;
      console.log(`phase: ${status.phase}   edge: ${status.urls.api}`);
      console.log(table(status).join('\n'));
      return 0;
    }
    case 'events': {
      const { events } = (await call(base, 'GET', '/events?limit=50')) as { events: RunnerEvent[] };
      for (const e of events) console.log(formatEvent(e));
      return 0;
    }
    case 'kill':
      return print(await call(base, 'POST', '/chaos/kill', { service: needService(), replica }));
    case 'freeze':
      return print(await call(base, 'POST', '/chaos/freeze', { service: needService(), replica, seconds }));
    case 'postgres-stop':
    case 'pg-stop':
    case 'db-stop':
      return print(await call(base, 'POST', '/chaos/postgres-stop', { seconds: seconds ?? num(service) }));
    case 'latency':
      return print(
        await call(base, 'POST', '/chaos/faults', { service: needService(), latencyMs: num(arg) ?? 500 }),
      );
    case 'errors':
      return print(
        await call(base, 'POST', '/chaos/faults', { service: needService(), errorRate: num(arg) ?? 0.5 }),
      );
    case 'faults':
      return print(
        await call(base, 'POST', '/chaos/faults', {
          service: needService(),
          latencyMs: num(values['latency-ms']),
          errorRate: num(values['error-rate']),
          declineRate: num(values['decline-rate']),
          outageRate: num(values['outage-rate']),
        }),
      );
    case 'heal':
      return print(await call(base, 'POST', '/chaos/heal', {}));
    default:
      console.error(`unknown action "${action}"\n\n${USAGE}`);
      return 2;
  }
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: Record<string, unknown>,
): Promise<unknown> {
  let res;
  try {
    res = await request(base + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body
        ? JSON.stringify(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)))
        : undefined,
      headersTimeout: 30_000,
    });
  } catch (err) {
    throw new Error(
      `cannot reach the runner at ${base} (is "make demo" running?): ${(err as Error).message}`,
    );
  }
  const payload = (await res.body.json()) as Record<string, unknown>;
  if (res.statusCode >= 400)
    throw new Error(`runner answered ${res.statusCode}: ${String(payload.error ?? JSON.stringify(payload))}`);
  return payload;
}

function print(result: unknown): number {
  const r = result as { action: string; target: string; detail: string; until?: string };
  console.log(`${r.action} ${r.target}: ${r.detail}${r.until ? ` (until ${r.until})` : ''}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
