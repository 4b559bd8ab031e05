import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startControlPlane } from '../src';
import { freePorts } from '@ha-shop/os-process';
import { tool } from './support';

// Issue 14 item 12, for the control plane: a port chosen free can be taken before the component
// binds it (seen: kube-controller-manager "bind: address already in use" while other suites ran).

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);

/** A port someone else listens on; whoever connects is hung up on, so closing never waits. */
function hold(): Promise<Server & { port: number }> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve(Object.assign(server, { port: typeof addr === 'object' && addr ? addr.port : 0 }));
    }),
  );
}

describe('starting the control plane while ports are contended', () => {
  const held: Server[] = [];
  afterAll(async () => {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  });

  it('chooses distinct free ports below the ephemeral range, which outgoing connections draw from', async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeralLow);
      expect(port).toBeGreaterThan(1024);
    }
  });

  it('starts again on fresh ports when a component finds its port taken', async () => {
    // The controller manager's port (the fourth) is held by someone else on the first attempt.
    const taken = await hold();
    held.push(taken);
    const attempts: number[] = [];
    const logs: string[] = [];
    const cp = await startControlPlane({
      forceLocal: true,
      log: (m) => logs.push(m),
      choosePorts: async (count, attempt) => {
        attempts.push(attempt);
        const ports = await freePorts(count);
        if (attempt === 1) ports[3] = taken.port;
        return ports;
      },
    });
    try {
      expect(attempts).toEqual([1, 2]);
      expect(logs.some((m) => m.includes('starting again on fresh ports'))).toBe(true);
      const nodes = await tool(cp, 'kubectl', ['get', 'nodes', '-o', 'name']);
      for (const node of cp.nodeNames) expect(nodes).toContain(`node/${node}`);
    } finally {
      await cp.stop();
    }
  });

  it('gives up after three attempts, with the component logs in the error', async () => {
    const taken = await hold();
    held.push(taken);
    let tries = 0;
    const failure = await startControlPlane({
      forceLocal: true,
      choosePorts: async (count) => {
        tries++;
        const ports = await freePorts(count);
        ports[3] = taken.port;
        return ports;
      },
    }).then(
      (cp) => cp.stop().then(() => undefined),
      (err: unknown) => err as Error,
    );
    expect(tries).toBe(3);
    expect(failure?.message).toMatch(/control plane failed to start/);
    expect(failure?.message).toMatch(/kube-controller-manager[\s\S]*address already in use/);
  });
});
