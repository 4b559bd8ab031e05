import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';

/** Ports are chosen from this many ports just below the kernel's ephemeral range. */
const SPAN = 16_000;
const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** Ports this process handed out already: a port chosen but not yet bound looks free again. */
const handedOut = new Set<number>();

/**
 * `count` distinct loopback ports that are free now, for processes started next to bind them
 * seconds later (etcd, the controller manager). They come from below the kernel's ephemeral
 * range (net.ipv4.ip_local_port_range), not from listen(0): a listen(0) port is an ephemeral one,
 * and in those seconds any outgoing connection on the machine (a busy test run opens thousands)
 * can be given it. Below the range only another explicit bind can take it; callers retry that
 * rare case on fresh ports. No port is handed out twice by one process. Where the range cannot
 * be read (not Linux), the kernel picks.
 */
export async function freePorts(count: number): Promise<number[]> {
  const low = ephemeralLow();
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let tries = 0; ports.length < count; tries++) {
      const wanted = low && tries < count * 20 ? low - 1 - Math.floor(Math.random() * SPAN) : 0;
      if (wanted && (ports.includes(wanted) || handedOut.has(wanted))) continue;
      const server = createServer();
      const port = await listen(server, wanted);
      if (port === undefined) continue;
      servers.push(server);
      ports.push(port);
    }
    if (handedOut.size > SPAN / 2) handedOut.clear();
    for (const port of ports) handedOut.add(port);
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * One free port as the kernel picks it (listen(0)), for embedded PostgreSQL, the runner's
 * replicas and the e2e processes. Not from freePorts' span: a runner test's own ports come from
 * there, and the runner it starts (another process, which cannot see what was handed out) picked
 * one of them again for itself once (EADDRINUSE at its start).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  try {
    const port = await listen(server, 0);
    if (port === undefined) throw new Error('no free port');
    return port;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

/** The lowest ephemeral port, when it leaves room below it for our span. */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync(RANGE_FILE, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low - SPAN > 1024 ? low : undefined;
  } catch {
    return undefined;
  }
}

/** The bound port, or undefined when `port` is taken. */
function listen(server: Server, port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(undefined) : reject(err),
    );
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      if (addr && typeof addr === 'object') resolve(addr.port);
      else reject(new Error('no port assigned'));
    });
  });
}
