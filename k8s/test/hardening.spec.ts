import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { K8sObject, ofKind, podTemplates, prepareCharts, renderObjects, VARIANTS } from './support/charts';
import { CHARTS, CHARTS_DIR, ENVIRONMENTS, environmentValues, SERVICES } from './support/paths';

// The one pod that talks to the API server (the kubernetes source of /architecture) and keeps
// a second writable directory, Next's cache.
const STOREFRONT = /^Deployment\/shop-storefront$/;
import { offlineTools, Toolbox } from './support/tools';

// What every rendered pod must look like, whatever the values. Rendering needs no cluster.
const SECRET_ENV = [
  'DATABASE_URL',
  'INTERNAL_TOKEN',
  'PAYMENT_DATA_KEY',
  'JWT_KEY_ENCRYPTION_SECRET',
  'FAULT_INJECTION_SECRET',
];

describe('hardening and secrets of every rendered pod', () => {
  let tools: Toolbox;
  let charts: string;
  const renders: Record<string, K8sObject[]> = {};

  beforeAll(async () => {
    tools = await offlineTools();
    charts = await prepareCharts(tools);
    const umbrella = join(charts, 'ha-shop');
    for (const [name, args] of Object.entries(VARIANTS))
      renders[name] = await renderObjects(tools, umbrella, args);
    for (const env of ENVIRONMENTS)
      renders[env] = await renderObjects(tools, umbrella, ['-f', environmentValues(env)]);
  });

  afterAll(() => {
    if (charts) rmSync(charts, { recursive: true, force: true });
  });

  it('runs every container non-root, read-only, unprivileged, without capabilities, under seccomp', () => {
    for (const [name, objects] of Object.entries(renders)) {
      const pods = podTemplates(objects);
      expect(pods.length, name).toBeGreaterThanOrEqual(10);
      for (const { owner, spec } of pods) {
        const where = `${name}: ${owner}`;
        expect(spec.securityContext.runAsNonRoot, where).toBe(true);
        expect(spec.securityContext.runAsUser, where).toBeGreaterThan(0);
        expect(spec.securityContext.seccompProfile?.type, where).toBe('RuntimeDefault');
        expect(spec.automountServiceAccountToken, where).toBe(STOREFRONT.test(owner));
        for (const c of spec.containers) {
          const sc = c.securityContext;
          expect(sc.runAsNonRoot, where).toBe(true);
          expect(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, where).toBe(true);
          expect(sc.readOnlyRootFilesystem, where).toBe(true);
          expect(sc.allowPrivilegeEscalation, where).toBe(false);
          expect(sc.privileged, where).toBe(false);
          expect(sc.capabilities.drop, where).toEqual(['ALL']);
          expect(sc.capabilities.add, where).toBeUndefined();
          expect(sc.seccompProfile.type, where).toBe('RuntimeDefault');
          expect(
            c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory,
            where,
          ).toBeTruthy();
          // A writable /tmp is the only writable path (and the storefront's Next cache).
          expect(
            c.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
            where,
          ).toEqual(STOREFRONT.test(owner) ? ['/tmp', '/app/apps/storefront/.next/cache'] : ['/tmp']);
          for (const m of c.volumeMounts as { name: string }[])
            expect(
              spec.volumes.find((v: { name: string }) => v.name === m.name).emptyDir,
              where,
            ).toBeDefined();
        }
      }
    }
  });

  it('gives every Deployment probes, a preStop pause and a grace period covering the drain', () => {
    for (const [name, objects] of Object.entries(renders)) {
      for (const d of ofKind(objects, 'Deployment')) {
        const where = `${name}: ${d.metadata.name}`;
        expect(d.spec.strategy.rollingUpdate.maxUnavailable, where).toBe(0);
        const pod = d.spec.template.spec;
        expect(
          pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey),
          where,
        ).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
        const [c] = pod.containers;
        expect(c.startupProbe.httpGet.path, where).toBe('/health/startup');
        expect(c.livenessProbe.httpGet.path, where).toBe('/health/live');
        expect(c.readinessProbe.httpGet.path, where).toBe('/health/ready');
        const env = Object.fromEntries(c.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
        expect(env.NODE_ENV, where).toBe('production');
        expect(new Set(c.env.map((e: { name: string }) => e.name)).size, `${where}: duplicate env`).toBe(
          c.env.length,
        );
        const preStop = c.lifecycle.preStop.sleep.seconds;
        expect(preStop, where).toBeGreaterThan(0);
        if (STOREFRONT.test(`Deployment/${d.metadata.name}`)) {
          // Next's server has no drain of its own: the preStop pause is what lets endpoints forget it.
          expect(pod.terminationGracePeriodSeconds, where).toBeGreaterThan(preStop);
          expect(env.HOSTNAME, where).toBe('0.0.0.0');
          continue;
        }
        // Behind the sidecar and the ingress gateway, both hops must be believed for X-Forwarded-For.
        if (name === 'default') expect(env.TRUSTED_PROXIES, where).toBe('loopback,uniquelocal');
        if (name === 'no-istio') expect(env.TRUSTED_PROXIES, where).toBeUndefined();
        // SIGTERM arrives after the preStop pause; the process then has SHUTDOWN_GRACE_MS.
        expect(pod.terminationGracePeriodSeconds, where).toBeGreaterThanOrEqual(
          preStop + Number(env.SHUTDOWN_GRACE_MS) / 1000,
        );
        expect(Number(env.SHUTDOWN_DRAIN_MS), where).toBeLessThan(Number(env.SHUTDOWN_GRACE_MS));
      }
    }
  });

  // The image's NODE_OPTIONS carries the replicas' measured node flags (node-flags.spec.ts).
  it('never overrides the image: no NODE_OPTIONS, command or args on a service container', () => {
    for (const [name, objects] of Object.entries(renders)) {
      const services = podTemplates(objects).filter(({ owner }) =>
        SERVICES.some((s) => owner === `Deployment/shop-${s}`),
      );
      expect(services.map((p) => p.owner).sort(), name).toEqual(
        SERVICES.map((s) => `Deployment/shop-${s}`).sort(),
      );
      for (const { owner, spec } of services) {
        for (const c of spec.containers) {
          const where = `${name}: ${owner}/${c.name}`;
          expect(c.command, where).toBeUndefined();
          expect(c.args, where).toBeUndefined();
          expect(
            (c.env ?? []).map((e: { name: string }) => e.name),
            where,
          ).not.toContain('NODE_OPTIONS');
        }
      }
    }
  });
  it('takes every secret-bearing variable from a Secret, never from a literal value', () => {
    for (const [name, objects] of Object.entries(renders)) {
      for (const { owner, spec } of podTemplates(objects)) {
        for (const c of spec.containers) {
          for (const e of c.env ?? []) {
            if (!SECRET_ENV.includes(e.name)) continue;
            expect(e.value, `${name}: ${owner} ${e.name}`).toBeUndefined();
            expect(e.valueFrom?.secretKeyRef?.name, `${name}: ${owner} ${e.name}`).toBeTruthy();
          }
        }
      }
    }
  });

  it('generates every Secret value at render time: none is in a values file, and each render differs', async () => {
    const literals = new Set<string>();
    const valuesFiles = [
      ...CHARTS.filter((c) => c !== 'ha-shop-lib').map((c) => join(CHARTS_DIR, c, 'values.yaml')),
      ...ENVIRONMENTS.map(environmentValues),
    ];
    for (const f of valuesFiles) collectStrings(parse(readFileSync(f, 'utf8')), literals);
    const again = await renderObjects(tools, join(charts, 'ha-shop'));
    for (const [name, objects] of Object.entries(renders)) {
      for (const secret of ofKind(objects, 'Secret')) {
        expect(secret.stringData, secret.metadata.name).toBeUndefined();
        const data = Object.fromEntries(
          Object.entries(secret.data ?? {}).map(([k, b64]) => [
            k,
            Buffer.from(b64, 'base64').toString('utf8'),
          ]),
        );
        for (const [key, value] of Object.entries(data)) {
          // The role name is not secret; the URL is the role, the host and the password below.
          if (key === 'username') continue;
          if (key === 'uri') {
            expect(value, secret.metadata.name).toContain(`:${data.password}@`);
            continue;
          }
          const where = `${name}: ${secret.metadata.name}.${key}`;
          expect(literals.has(value), `${where} appears in a values file`).toBe(false);
          for (const l of literals) if (l.length >= 8) expect(value.includes(l), where).toBe(false);
        }
      }
    }
    const first = ofKind(renders.default, 'Secret');
    const second = ofKind(again, 'Secret');
    expect(second.map((s) => s.metadata.name)).toEqual(first.map((s) => s.metadata.name));
    for (const [i, s] of first.entries()) {
      for (const key of Object.keys(s.data ?? {}).filter((k) => k !== 'username')) {
        expect(second[i].data?.[key], `${s.metadata.name}.${key} must be random`).not.toBe(s.data?.[key]);
      }
    }
  });

  it('keeps generated keys in the shape the services accept', () => {
    const shared = ofKind(renders.default, 'Secret').find((s) => s.metadata.name === 'shop-secrets')!;
    const value = (k: string) => Buffer.from(shared.data![k], 'base64').toString('utf8');
    // checkout-service's PAYMENT_DATA_KEY: base64 of 32 bytes (apps/checkout-service/src/config/checkout.env.ts).
    expect(value('payment-data-key')).toMatch(/^[A-Za-z0-9+/_-]{43}=?$/);
    expect(Buffer.from(value('payment-data-key'), 'base64')).toHaveLength(32);
    expect(value('jwt-key-encryption-secret').length).toBeGreaterThanOrEqual(32);
    const db = ofKind(renders.default, 'Secret').find((s) => s.metadata.name === 'shop-db-product-service')!;
    expect(db.type).toBe('kubernetes.io/basic-auth');
    expect(Buffer.from(db.data!.uri, 'base64').toString()).toMatch(
      /^postgresql:\/\/product_service:[A-Za-z0-9]{32}@shop-postgres-rw\.shop\.svc\.cluster\.local:5432\/product_service$/,
    );
  });
});

function collectStrings(node: unknown, out: Set<string>): void {
  if (typeof node === 'string' && node.length > 0) out.add(node);
  else if (Array.isArray(node)) node.forEach((n) => collectStrings(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => collectStrings(n, out));
}
