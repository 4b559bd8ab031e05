import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPLICA_NODE_ARGS } from '../../apps/runner/src/services';
import { REPO_ROOT } from './support/paths';

// REPLICA_NODE_ARGS is the one definition of a service replica's node flags (chosen by
// measurement, docs/performance.md "Memory"): the runner passes them on the command line, the
// image's NODE_OPTIONS repeats them. This keeps the two equal; hardening.spec.ts makes sure no
// chart value replaces the image's flags, so a pod's memory is what the demo's replicas measured.
const PRELOAD = '/app/libs/observability/dist/tracing.preload.js';

/** NODE_OPTIONS of the Dockerfile's service stage (the last, `runtime`), as tokens. */
function serviceImageNodeOptions(): string[] {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stage = dockerfile.slice(dockerfile.indexOf('FROM node-runtime AS runtime'));
  const m = /NODE_OPTIONS="([^"]*)"/.exec(stage);
  if (!m) throw new Error('no NODE_OPTIONS in the Dockerfile runtime stage');
  return m[1].split(/\s+/).filter(Boolean);
}

describe('node flags of a service replica: the demo and the pods agree', () => {
  it("gives the image the tracing preload and exactly the runner's REPLICA_NODE_ARGS", () => {
    const tokens = serviceImageNodeOptions();
    const at = tokens.indexOf('--require');
    expect(tokens.slice(at, at + 2)).toEqual(['--require', PRELOAD]);
    tokens.splice(at, 2);
    expect(tokens).toEqual([...REPLICA_NODE_ARGS]);
    expect(REPLICA_NODE_ARGS.length).toBeGreaterThan(0);
  });

  it('uses only flags node accepts in NODE_OPTIONS, and they take effect', () => {
    // Node refuses most V8 flags in NODE_OPTIONS ("is not allowed in NODE_OPTIONS", exit 9);
    // a flag the runner can pass on the command line could not reach the pods this way.
    const r = spawnSync(
      process.execPath,
      ['-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'],
      { env: { PATH: process.env.PATH, NODE_OPTIONS: REPLICA_NODE_ARGS.join(' ') }, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const bare = spawnSync(
      process.execPath,
      ['-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'],
      { env: { PATH: process.env.PATH }, encoding: 'utf8' },
    );
    expect(Number(r.stdout)).toBeGreaterThan(0);
    expect(Number(r.stdout)).not.toBe(Number(bare.stdout));
  });
});
