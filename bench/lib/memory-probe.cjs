// Preload for bench/memory-services.mjs: on SIGUSR2 the process writes its memory figures,
// loaded-module counts and GC totals to $MEMPROBE_DIR/<pid>-<n>.json (the fifth and later
// snapshots force two full GCs first, to show what is live rather than not yet collected).
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const { PerformanceObserver } = require('node:perf_hooks');

v8.setFlagsFromString('--expose-gc');
const forceGc = require('node:vm').runInNewContext('gc');
const gc = { count: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.ms += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

function packageOf(file) {
  const i = file.lastIndexOf(`node_modules${path.sep}`);
  if (i < 0) return /\/(libs|apps)\/([^/]+)\//.exec(file)?.slice(1, 3).join('/') ?? 'other';
  const rest = file.slice(i + 13).split(path.sep);
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

let n = 0;
process.on('SIGUSR2', () => {
  if (n >= 4) {
    forceGc();
    forceGc();
  }
  const files = Object.keys(require.cache);
  const byPackage = {};
  for (const f of files) byPackage[packageOf(f)] = (byPackage[packageOf(f)] ?? 0) + 1;
  const snapshot = {
    mem: process.memoryUsage(),
    spaces: v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size, s.space_used_size]),
    modules: files.length,
    threads: fs.readdirSync('/proc/self/task').length,
    topPackages: Object.entries(byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25),
    gc: { ...gc },
    cpu: process.cpuUsage(),
  };
  fs.writeFileSync(
    path.join(process.env.MEMPROBE_DIR, `${process.pid}-${n++}.json`),
    JSON.stringify(snapshot),
  );
});
