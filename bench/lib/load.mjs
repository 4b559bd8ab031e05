// Runs one measurement in its own load-generator process and returns its summary; the
// process is killed if it overruns its time budget, so a hung scenario cannot hang the bench.
// A worker may also report when its measured window starts and ends (`{ window: 'start' }`),
// for whoever reads CPU time or database counters around exactly that window (`onWindow`).
import { fork } from 'node:child_process';
import { join } from 'node:path';

const WORKERS = {
  autocannon: join(import.meta.dirname, 'autocannon-worker.mjs'),
  checkout: join(import.meta.dirname, 'checkout-worker.mjs'),
};

export function measure(worker, job, onWindow = () => undefined) {
  const budgetMs = (job.warmupS + job.durationS) * 1000 + 60_000;
  return new Promise((resolve, reject) => {
    const child = fork(WORKERS[worker], [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${worker} load generator overran ${budgetMs} ms`));
    }, budgetMs);
    child.on('message', (msg) => {
      if (msg.window) {
        onWindow(msg.window);
        return;
      }
      clearTimeout(timer);
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg.summary);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${worker} load generator exited (${code}) without a result`));
    });
    child.send(job);
  });
}
