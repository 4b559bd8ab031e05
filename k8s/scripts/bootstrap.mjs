#!/usr/bin/env node
// The demo cluster, end to end: `make demo-cluster` / `make demo-cluster-down` / `make images`.
//
//   node k8s/scripts/bootstrap.mjs up     [--env dev] [--existing-kubeconfig PATH]
//   node k8s/scripts/bootstrap.mjs down   [--existing-kubeconfig PATH]
//   node k8s/scripts/bootstrap.mjs images
//
// With --existing-kubeconfig (or HA_SHOP_DEMO_KUBECONFIG) it runs against that cluster and
// skips the three steps that need Docker or the internet: creating the k3d cluster, pulling
// the third-party charts, building and importing the images. Every step is idempotent
// (helm upgrade --install, kubectl apply), so running it again is safe.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseArgs, SERVICES, URLS, REQUIRED_CRDS } from './bootstrap-config.mjs';

const K8S = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(K8S, '..');
const CLUSTER = 'ha-shop';

const opts = parseArgs(process.argv.slice(2), process.env);
const existing = opts.kubeconfig !== undefined;
const chartsDir = resolve(opts.chartsDir ?? join(ROOT, 'charts'));
const childEnv = { ...process.env, ...(existing ? { KUBECONFIG: resolve(opts.kubeconfig) } : {}) };

function step(title) {
  console.log(`\n==> ${title}`);
}

function skip(what) {
  console.log(`    skipped: ${what} (existing kubeconfig)`);
}

/** Runs a command with output passed through; exits the script when it fails. */
function sh(cmd, args, { capture = false, allowFail = false } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 64 << 20,
  });
  if (r.error) {
    if (allowFail) return { ok: false, out: '' };
    console.error(`bootstrap: cannot run ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0 && !allowFail) {
    console.error(
      `bootstrap: ${cmd} ${args.join(' ')} failed (exit ${r.status})${capture ? `\n${r.stderr}` : ''}`,
    );
    process.exit(1);
  }
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

function preflight(tools) {
  step('Tools');
  for (const [tool, args] of tools) {
    const r = sh(tool, args, { capture: true, allowFail: true });
    if (!r.ok) {
      console.error(`bootstrap: ${tool} is required (see docs/kubernetes.md, Prerequisites)`);
      process.exit(1);
    }
    console.log(`    ${tool}: ${r.out.trim().split('\n')[0]}`);
  }
}

function createCluster() {
  step(`k3d cluster ${CLUSTER}`);
  if (existing) return skip('cluster creation');
  const list = JSON.parse(sh('k3d', ['cluster', 'list', '-o', 'json'], { capture: true }).out || '[]');
  if (list.some((c) => c.name === CLUSTER)) console.log('    exists');
  else sh('k3d', ['cluster', 'create', '--config', join(K8S, 'k3d-cluster.yaml')]);
  const kubeconfig = sh('k3d', ['kubeconfig', 'write', CLUSTER], { capture: true }).out.trim();
  childEnv.KUBECONFIG = kubeconfig;
}

function namespaces() {
  step('Namespaces');
  sh('kubectl', [
    'apply',
    '--server-side',
    '--field-manager=ha-shop-bootstrap',
    '-f',
    join(K8S, 'namespaces.yaml'),
  ]);
  if (opts.namespace !== 'ha-shop') {
    const doc = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: opts.namespace, labels: { 'istio-injection': 'enabled' } },
    });
    const r = spawnSync(
      'kubectl',
      ['apply', '--server-side', '--field-manager=ha-shop-bootstrap', '-f', '-'],
      {
        env: childEnv,
        input: doc,
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    if (r.status !== 0) process.exit(1);
  }
}

function archiveOf(pin) {
  return join(ROOT, '.k8s', 'charts', `${pin.chart}-${pin.version}.tgz`);
}

function thirdParty() {
  const pins = parse(readFileSync(join(K8S, 'third-party-charts.yaml'), 'utf8')).charts;
  step('Third-party charts');
  mkdirSync(join(ROOT, '.k8s', 'charts'), { recursive: true });
  for (const pin of pins) {
    const archive = archiveOf(pin);
    if (!existsSync(archive)) {
      if (existing) {
        skip(`pulling ${pin.chart} ${pin.version}`);
        continue;
      }
      sh('helm', ['pull', pin.chart, '--repo', pin.repo, '--version', pin.version, '-d', dirname(archive)]);
    }
    console.log(`    ${pin.release}: ${pin.chart} ${pin.version}`);
    sh('helm', [
      'upgrade',
      '--install',
      pin.release,
      archive,
      '--namespace',
      pin.namespace,
      '--create-namespace',
      '--values',
      join(K8S, pin.values),
      '--wait',
      '--timeout',
      opts.timeout,
    ]);
  }
  step('Third-party CRDs the shop uses');
  const have = new Set(
    sh('kubectl', ['get', 'crd', '-o', 'name'], { capture: true })
      .out.split('\n')
      .map((l) => l.replace(/^.*\//, '')),
  );
  const missing = REQUIRED_CRDS.filter((c) => !have.has(c));
  if (missing.length) {
    console.error(
      `bootstrap: the cluster lacks ${missing.join(', ')}; install the charts in k8s/third-party-charts.yaml`,
    );
    process.exit(1);
  }
  console.log(`    all ${REQUIRED_CRDS.length} present`);
}

function images() {
  step('Images');
  if (existing) return skip('building and importing images');
  const tagOf = (name) => `ha-shop/${name}:${opts.imageTag ?? 'dev'}`;
  const builds = SERVICES.map((svc) => [tagOf(svc), ['--build-arg', `SERVICE=${svc}`]]);
  builds.push([tagOf('storefront'), ['--target', 'storefront']]);
  builds.push([tagOf('chaos-operator'), ['--target', 'operator']]);
  for (const [tag, args] of builds) {
    sh('docker', ['build', ...args, '-t', tag, ROOT]);
    sh('k3d', ['image', 'import', '--cluster', CLUSTER, tag]);
  }
}

function shop() {
  step(`ha-shop (${opts.env}) in namespace ${opts.namespace}`);
  for (const chart of [...SERVICES, 'storefront', 'ha-shop'])
    sh('helm', ['dependency', 'build', join(chartsDir, chart), '--skip-refresh']);
  sh('helm', [
    'upgrade',
    '--install',
    opts.release,
    join(chartsDir, 'ha-shop'),
    '--namespace',
    opts.namespace,
    '--values',
    join(K8S, 'environments', `${opts.env}.yaml`),
    ...(opts.imageTag ? ['--set', `global.image.tag=${opts.imageTag}`] : []),
    '--wait',
    '--timeout',
    opts.timeout,
  ]);
  step('Readiness');
  sh('kubectl', [
    'rollout',
    'status',
    'deployment',
    '--namespace',
    opts.namespace,
    '--selector',
    `app.kubernetes.io/instance=${opts.release}`,
    `--timeout=${opts.timeout}`,
  ]);
  sh('kubectl', ['get', 'pods', '--namespace', opts.namespace, '-o', 'wide']);
}

function printUrls() {
  step('URLs');
  for (const u of URLS) {
    if (existing)
      console.log(
        `    ${u.name.padEnd(12)} kubectl port-forward -n ${u.namespace} svc/${u.service} ${u.localPort}:${u.port}   (${u.what})`,
      );
    else console.log(`    ${u.name.padEnd(12)} ${u.url}   (${u.what})`);
  }
  console.log('\nbootstrap: done');
}

if (opts.command === 'up') {
  preflight(
    existing
      ? [
          ['helm', ['version', '--short']],
          ['kubectl', ['version', '--client']],
        ]
      : [
          ['docker', ['version', '--format', '{{.Server.Version}}']],
          ['k3d', ['version']],
          ['helm', ['version', '--short']],
          ['kubectl', ['version', '--client']],
        ],
  );
  createCluster();
  namespaces();
  thirdParty();
  images();
  shop();
  printUrls();
} else if (opts.command === 'images') {
  preflight([
    ['docker', ['version', '--format', '{{.Server.Version}}']],
    ['k3d', ['version']],
  ]);
  images();
} else if (opts.command === 'down') {
  if (existing) {
    step(`Uninstalling ${opts.release} from ${opts.namespace} (the cluster stays)`);
    sh('helm', ['uninstall', opts.release, '--namespace', opts.namespace, '--wait', '--ignore-not-found']);
  } else {
    step(`Deleting k3d cluster ${CLUSTER}`);
    sh('k3d', ['cluster', 'delete', CLUSTER]);
  }
  console.log('\nbootstrap: done');
}
