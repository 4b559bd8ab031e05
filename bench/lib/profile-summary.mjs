#!/usr/bin/env node
// Sums the self time of V8 .cpuprofile files (node --cpu-prof; HA_SHOP_CPU_PROF=<dir> makes the
// runner write one per replica into <dir>/<service>/) by package, by file and by function, so a
// profile of the shop under load reads as "where the CPU went" without opening DevTools.
//
//   node bench/lib/profile-summary.mjs <dir-or-file>... [--top 25] [--bench bench/results/bench.json]
//
// Every folder given is searched for .cpuprofile files; those under one folder are summed
// together (e.g. both replicas of a service). With --bench, only the samples taken inside the
// checkout scenario's measured windows count (the report keeps them), not start-up or seeding.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Self time (ms) per profile node id: the sampled time deltas attributed to each sample's node,
 * only for samples inside one of `windows` (µs of CLOCK_MONOTONIC, as the profile's timestamps).
 */
function selfTimes(profile, windows) {
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    if (windows.length > 0 && !windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
    // timeDeltas[i] is the time before sample i; the time until the next sample belongs to sample i.
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  return self;
}

/** The npm package, the workspace app or lib, node's internals, or V8's pseudo-frames. */
export function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internals';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return name.startsWith('@ha-shop/') ? `${name} (workspace)` : name;
  }
  const ws = /\/(apps|libs)\/([^/]+)\//.exec(path);
  return ws ? `${ws[1]}/${ws[2]}` : path;
}

function shortFile(url) {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const ws = /\/((?:apps|libs)\/.*)$/.exec(path);
  return ws ? ws[1] : path;
}

export function summariseProfiles(files, windows = []) {
  const by = { package: new Map(), file: new Map(), function: new Map() };
  let totalMs = 0;
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const [id, ms] of selfTimes(profile, windows)) {
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      const name = functionName || '(anonymous)';
      totalMs += ms;
      add(by.package, packageOf(url, name), ms);
      add(by.file, url ? shortFile(url) : name, ms);
      add(by.function, url ? `${name} ${shortFile(url)}:${lineNumber + 1}` : name, ms);
    }
  }
  return { totalMs, by };
}

function profilesIn(path) {
  if (!statSync(path).isDirectory()) return path.endsWith('.cpuprofile') ? [path] : [];
  return readdirSync(path).flatMap((e) => profilesIn(join(path, e)));
}

function print(label, { totalMs, by }, top) {
  const pct = (ms) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)} %`;
  console.log(`\n== ${label}: ${(totalMs / 1000).toFixed(1)} s sampled`);
  for (const [kind, map] of Object.entries(by)) {
    console.log(`-- by ${kind}`);
    for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const benchAt = args.indexOf('--bench');
  const windows =
    benchAt >= 0
      ? JSON.parse(readFileSync(args.splice(benchAt, 2)[1], 'utf8'))
          .runs.map((r) => r.checkout?.cost?.window)
          .filter(Boolean)
      : [];
  if (args.length === 0) {
    console.error('usage: node bench/lib/profile-summary.mjs <dir-or-file>... [--top 25]');
    process.exit(2);
  }
  for (const arg of args) {
    const files = profilesIn(arg);
    const groups = new Map();
    for (const f of files) groups.set(dirname(f), [...(groups.get(dirname(f)) ?? []), f]);
    for (const [dir, list] of groups)
      print(
        `${relative(process.cwd(), dir) || basename(dir)} (${list.length} profiles)`,
        summariseProfiles(list, windows),
        top,
      );
  }
}
