// CPU time per process group from /proc/<pid>/stat (Linux), read before and after a measured
// window: CPU-milliseconds per completed checkout is steadier on a busy machine than
// throughput, because other work on the cores slows the shop down but does not add to its ticks.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond;

/** USER_HZ, normally 100. */
function clockTicks() {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** Fields after the command name, which may hold spaces and parentheses. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited meanwhile
  }
}

/** utime + stime of one process in ms, or undefined when it is gone. */
export function cpuMs(pid) {
  const f = statFields(pid);
  // stat(5): utime is field 14, stime 15; f[0] is field 3 (state).
  return f ? ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks() : undefined;
}

function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    if (f && Number(f[1]) === pid) out.push(Number(entry));
  }
  return out;
}

/**
 * The process groups the report names: each service's replicas, this process (the bench,
 * hosting the runner and the edge) and PostgreSQL (the postmaster and every backend and worker).
 * The load generator is left out: it is the client, not the shop.
 */
export function processGroups(platform) {
  const groups = { 'bench+edge': [process.pid] };
  for (const r of platform.replicas()) if (r.pid) (groups[r.service] ??= []).push(r.pid);
  const postmaster = platform.postgresPid();
  if (postmaster) groups.postgresql = [postmaster, ...childrenOf(postmaster)];
  return groups;
}

/** `{ group: { pid: ms } }` now. */
export function cpuSnapshot(platform) {
  const out = {};
  for (const [group, pids] of Object.entries(processGroups(platform))) {
    out[group] = {};
    for (const pid of pids) {
      const ms = cpuMs(pid);
      if (ms !== undefined) out[group][pid] = ms;
    }
  }
  return out;
}

/**
 * CPU-ms each group used between two snapshots. A process that started inside the window
 * (a PostgreSQL backend for a new connection) counts from zero; one that ended inside it is
 * lost (its last ticks cannot be read), which only undercounts.
 */
export function cpuBetween(before, after) {
  const out = {};
  for (const [group, pids] of Object.entries(after)) {
    let ms = 0;
    for (const [pid, now] of Object.entries(pids)) ms += now - (before[group]?.[pid] ?? 0);
    out[group] = ms;
  }
  return out;
}
