import { Worker } from 'node:worker_threads';

/** No burn lasts longer than this, whatever the scenario asks: a forgotten loop must end by itself. */
export const MAX_BURN_MS = 10 * 60_000;

// Each worker spins for `load` ms of every 100 ms until its own deadline, so
// it ends even if nobody stops it; the threads die with this process too.
const LOOP = `
const { workerData } = require('node:worker_threads');
const { deadline, load } = workerData;
const sab = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < deadline) {
  const sliceEnd = Date.now() + load;
  while (Date.now() < sliceEnd) {}
  if (load < 100) Atomics.wait(sab, 0, 0, 100 - load);
}
`;

/**
 * The local cpu-stress: busy loops beside a service's replicas. They share
 * the machine's cores with the replicas, as stress-ng shares a node's cores
 * with the pod's neighbours; there is no per-replica cgroup to burn inside.
 */
export class CpuBurner {
  private workers: Worker[] = [];

  start(workers: number, loadPercent: number, ms: number): void {
    const deadline = Date.now() + Math.min(ms, MAX_BURN_MS);
    for (let i = 0; i < workers; i++) {
      const w = new Worker(LOOP, { eval: true, workerData: { deadline, load: loadPercent } });
      w.unref();
      w.once('exit', () => (this.workers = this.workers.filter((x) => x !== w)));
      this.workers.push(w);
    }
  }

  get running(): number {
    return this.workers.length;
  }

  async stop(): Promise<void> {
    const all = this.workers;
    this.workers = [];
    await Promise.all(all.map((w) => w.terminate()));
  }
}
