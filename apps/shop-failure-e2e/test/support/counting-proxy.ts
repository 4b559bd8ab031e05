// A transparent HTTP proxy that counts how many requests are in flight through it at once: put
// between a caller and its dependency, it shows what the dependency really sees from that caller.
import { Agent, createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';

export interface CountingProxy {
  url: string;
  /** Requests forwarded so far. */
  readonly total: number;
  readonly inFlight: number;
  /** Highest number of requests in flight at the same time. */
  readonly maxInFlight: number;
  resetMax(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let inFlight = 0;
  let maxInFlight = 0;
  let total = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    total++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The caller gave up (its timeout aborted the request): so does the proxy, as a socket close would.
    res.once('close', () => {
      finish();
      if (!res.writableFinished) out.destroy();
    });
    out.once('error', () => {
      if (!res.headersSent) res.destroy();
      else res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get total() {
      return total;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetMax() {
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
