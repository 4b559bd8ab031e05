import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ha-shop/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cmdline, isAlive, killLeftover, readPidFile, signalGroup, tailFile } from '@ha-shop/os-process';

// Real processes: `sleep` children, some in their own process group, as the runner and
// the k8s harness start theirs.
const started: ChildProcess[] = [];
function start(args: string[], detached: boolean): ChildProcess {
  const child = spawn(args[0], args.slice(1), { detached, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  return child;
}
const gone = (pid: number) => waitFor(() => !isAlive(pid), { what: `pid ${pid} gone`, timeoutMs: 5000 });

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('process primitives', () => {
  it('tells a live process and its command line from a gone one', async () => {
    const child = start(['sleep', '31'], true);
    expect(isAlive(child.pid)).toBe(true);
    expect(cmdline(child.pid!)).toContain('sleep 31');
    child.kill('SIGKILL');
    await gone(child.pid!);
    expect(cmdline(child.pid!)).toBe('');
    expect(isAlive(undefined)).toBe(false);
  });

  it('kills a leftover only when its command line still carries the marker', async () => {
    const child = start(['sleep', '32'], true);
    expect(killLeftover(child.pid, 'somebody-else')).toBe(false);
    expect(isAlive(child.pid)).toBe(true);
    expect(killLeftover(child.pid, 'sleep 32')).toBe(true);
    await gone(child.pid!);
    expect(killLeftover(child.pid, 'sleep 32')).toBe(false);
  });

  it('signals the whole group a detached child leads, grandchildren included', async () => {
    const shell = start(['sh', '-c', 'sleep 33 & echo $!; wait'], true);
    const grandchild = await new Promise<number>((resolve) =>
      shell.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))),
    );
    expect(cmdline(grandchild)).toContain('sleep 33');
    expect(signalGroup(shell.pid, 'SIGTERM')).toBe(true);
    await gone(grandchild);
    await gone(shell.pid!);
  });

  it('falls back to the process alone when it leads no group, and leaves ours alone', async () => {
    const child = start(['sleep', '34'], false); // in this test process's group
    expect(signalGroup(child.pid, 'SIGKILL')).toBe(true);
    await gone(child.pid!);
    expect(isAlive(process.pid)).toBe(true);
    expect(signalGroup(child.pid, 'SIGKILL')).toBe(false);
    expect(signalGroup(undefined, 'SIGKILL')).toBe(false);
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ha-shop-os-process-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a pid file only when it holds a positive integer', () => {
    const file = join(dir, 'x.pid');
    expect(readPidFile(file)).toBeUndefined();
    for (const [text, pid] of [
      ['4242\n', 4242],
      ['4243\n/var/lib/postgres\n5432\n', 4243],
      ['abc', undefined],
      ['-5', undefined],
      ['1.5', undefined],
      ['', undefined],
    ] as const) {
      writeFileSync(file, text);
      expect(readPidFile(file), JSON.stringify(text)).toBe(pid);
    }
  });

  it("gives a log's last lines, or says there is none", () => {
    const file = join(dir, 'x.log');
    writeFileSync(file, 'one\ntwo\nthree\n\n');
    expect(tailFile(file, 2)).toBe('two\nthree');
    expect(tailFile(file)).toBe('one\ntwo\nthree');
    expect(tailFile(join(dir, 'missing.log'))).toBe('(no log)');
  });
});
