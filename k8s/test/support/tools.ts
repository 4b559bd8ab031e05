import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBinaries } from '@ha-shop/k8s-harness';

const run = promisify(execFile);

/** How to run helm and kubectl: binaries and the environment (kubeconfig, private Helm home). */
export interface Toolbox {
  bin(name: 'helm' | 'kubectl'): string;
  env: NodeJS.ProcessEnv;
}

/** helm and kubectl from the harness cache with a private Helm home, for tests that need no cluster. */
export async function offlineTools(): Promise<Toolbox> {
  const bin = await ensureBinaries();
  const home = mkdtempSync(join(tmpdir(), 'ha-shop-helm-'));
  return {
    bin: (name) => bin.paths[name],
    env: {
      ...process.env,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
      PATH: [dirname(bin.paths.helm), process.env.PATH ?? ''].join(delimiter),
      // No cluster: a stray KUBECONFIG must not make helm talk to one.
      KUBECONFIG: join(home, 'no-kubeconfig'),
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool; never throws on a non-zero exit (callers assert on the result). */
export async function runTool(
  t: Toolbox,
  name: 'helm' | 'kubectl',
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const child = run(t.bin(name), args, {
    env: t.env,
    timeout: opts.timeoutMs ?? 240_000,
    maxBuffer: 64 << 20,
  });
  if (opts.input !== undefined) {
    child.child.stdin?.end(opts.input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr || e.message,
    };
  }
}

/** Runs a tool and returns stdout; rejects with its stderr on failure. */
export async function mustRun(
  t: Toolbox,
  name: 'helm' | 'kubectl',
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await runTool(t, name, args, opts);
  if (r.code !== 0) throw new Error(`${name} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
