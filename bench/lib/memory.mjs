// Resident memory from /proc (Linux): per process, and PostgreSQL's whole process tree by
// PSS, so its shared buffers are counted once rather than once per backend.
import { readdirSync, readFileSync } from 'node:fs';

const MB = 1024 * 1024;

/** VmRSS in MB, or undefined when the process is gone. */
export function rssMb(pid) {
  return statusField(pid, 'VmRSS');
}

function statusField(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / MB : undefined;
  } catch {
    return undefined;
  }
}

function pssMb(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / MB : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the name in field 2 may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function postgresPssMb(postmasterPid) {
  if (!postmasterPid) return undefined;
  return [postmasterPid, ...childrenOf(postmasterPid)].reduce((sum, pid) => sum + pssMb(pid), 0);
}

/**
 * Samples every replica's RSS while load runs and keeps each one's peak; `peaks()` also
 * holds the samples' highest total (replicas + this process, which hosts the edge).
 */
export class MemorySampler {
  constructor(platform, everyMs = 250) {
    this.platform = platform;
    this.peak = new Map();
    this.peakTotal = 0;
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample() {
    let total = rssMb(process.pid) ?? 0;
    this.bump('runner+edge', total);
    for (const r of this.platform.replicas()) {
      const mb = r.pid ? rssMb(r.pid) : undefined;
      if (mb === undefined) continue;
      this.bump(r.id, mb);
      total += mb;
    }
    this.peakTotal = Math.max(this.peakTotal, total);
  }

  bump(id, mb) {
    this.peak.set(id, Math.max(this.peak.get(id) ?? 0, mb));
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return { perProcess: Object.fromEntries(this.peak), totalNodeMb: this.peakTotal };
  }
}

/** One snapshot: every replica, this process, PostgreSQL. */
export function memorySnapshot(platform) {
  const perProcess = { 'runner+edge': rssMb(process.pid) ?? 0 };
  for (const r of platform.replicas()) perProcess[r.id] = (r.pid && rssMb(r.pid)) || 0;
  const totalNodeMb = Object.values(perProcess).reduce((a, b) => a + b, 0);
  return { perProcess, totalNodeMb, postgresPssMb: postgresPssMb(platform.postgresPid()) };
}
