import { ACTIONS, StepSpec } from '@ha-shop/chaos-scenario';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CpuBurner } from '../src/scenario/cpu-burner';
import { localAction, MAX_BURN_WORKERS } from '../src/scenario/local-actions';
import { localPods, localTarget, localUrl, ReadyClock, serviceByName } from '../src/scenario/local-targets';
import { RunnerStatus } from '../src/scenario/runner-api';
import { loadScenarioFiles } from '../src/scenario/scenario-files';

const ROOT = resolve(__dirname, '..', '..', '..');
const SERVICES = ['product-service', 'user-service', 'checkout-service', 'payment-service'];
const step = (action: StepSpec['action'], extra: Partial<StepSpec> = {}): StepSpec => ({
  name: 's',
  action,
  mode: 'one',
  ...extra,
});

describe('ChaosScenario actions on one machine', () => {
  it('kills a replica for pod-kill, pod-delete and container-kill', () => {
    for (const action of ['pod-kill', 'pod-delete', 'container-kill'] as const)
      expect(localAction(step(action), 'service', 'product-service').kind, action).toBe('kill');
  });

  it('freezes a replica for the duration of a pod-failure, within what the chaos API takes', () => {
    expect(
      localAction(step('pod-failure', { duration: '1m30s' }), 'service', 'product-service'),
    ).toMatchObject({
      kind: 'freeze',
      ms: 90_000,
    });
    expect(localAction(step('pod-failure'), 'service', 'product-service').kind).toBe('skip');
    expect(localAction(step('pod-failure', { duration: '11m' }), 'service', 'product-service').kind).toBe(
      'skip',
    );
  });

  it('turns network-delay into the latency fault, undone on revert', () => {
    const a = localAction(
      step('network-delay', { network: { latency: '300ms', jitter: '50ms' } }),
      'service',
      'checkout-service',
    );
    expect(a).toMatchObject({ kind: 'faults', inject: { latencyMs: 300 }, revert: { latencyMs: 0 } });
    expect(a.summary).toContain('jitter 50ms not modelled');
    expect(localAction(step('network-delay'), 'service', 'checkout-service').kind).toBe('skip');
  });

  it('turns partition and loss into the error fault, and into the outage switch on payment-service', () => {
    expect(localAction(step('network-partition'), 'service', 'product-service')).toMatchObject({
      kind: 'faults',
      inject: { errorRate: 1 },
      revert: { errorRate: 0 },
    });
    expect(localAction(step('network-partition'), 'service', 'payment-service')).toMatchObject({
      inject: { outageRate: 1 },
      revert: { outageRate: 0 },
    });
    expect(
      localAction(step('network-loss', { network: { loss: '30' } }), 'service', 'user-service'),
    ).toMatchObject({
      inject: { errorRate: 0.3 },
    });
    expect(
      localAction(step('network-loss', { network: { loss: '250' } }), 'service', 'user-service').kind,
    ).toBe('skip');
  });

  it('burns CPU with a bounded number of workers for cpu-stress', () => {
    expect(
      localAction(
        step('cpu-stress', { stress: { cpu: { workers: 2, load: 90 } } }),
        'service',
        'product-service',
      ),
    ).toMatchObject({ kind: 'cpu-burn', workersPerTarget: 2, loadPercent: 90 });
    expect(
      localAction(step('cpu-stress', { stress: { cpu: { workers: 64 } } }), 'service', 'product-service'),
    ).toMatchObject({ workersPerTarget: MAX_BURN_WORKERS, loadPercent: 100 });
  });

  it('skips memory-stress with a reason, and everything but a kill on PostgreSQL', () => {
    const mem = localAction(
      step('memory-stress', { stress: { memory: { workers: 1 } } }),
      'service',
      'product-service',
    );
    expect(mem.kind).toBe('skip');
    expect(mem.summary).toMatch(/^skipped: no local equivalent/);
    expect(localAction(step('pod-kill'), 'postgres').kind).toBe('kill');
    expect(localAction(step('network-delay', { network: { latency: '1s' } }), 'postgres').kind).toBe('skip');
  });

  it('has a mapping (or a stated skip) for every action the CRD allows', () => {
    for (const action of ACTIONS) {
      const a = localAction(
        step(action, {
          duration: '10s',
          network: { latency: '10ms', loss: '10' },
          stress: { cpu: { workers: 1 }, memory: { workers: 1 } },
        }),
        'service',
        'product-service',
      );
      expect(a.summary, action).not.toBe('');
      if (a.kind === 'skip') expect(a.reason, action).not.toBe('');
    }
  });
});

describe('Kubernetes names on one machine', () => {
  const status = {
    urls: { edge: 'http://127.0.0.1:4100', api: 'http://127.0.0.1:4100/api' },
    postgres: { state: 'running', restarts: 2 },
    services: [
      {
        name: 'product-service',
        state: 'running',
        address: 'http://127.0.0.1:4110',
        replicasDesired: 2,
        replicas: [
          { id: 'product-service-1', pid: 11, ready: true, state: 'running' },
          { id: 'product-service-2', pid: 12, ready: false, state: 'frozen' },
        ],
      },
    ],
  } as unknown as RunnerStatus;

  it('maps a label selector to a runner service, or CloudNativePG labels to its PostgreSQL', () => {
    expect(localTarget({ matchLabels: { 'app.kubernetes.io/name': 'product-service' } }, SERVICES)).toEqual({
      kind: 'service',
      service: 'product-service',
    });
    expect(
      localTarget(
        { matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'payment-service'] }] },
        SERVICES,
      ),
    ).toEqual({ kind: 'service', service: 'payment-service' });
    expect(localTarget({ matchLabels: { 'cnpg.io/cluster': 'ha-shop-postgres' } }, SERVICES)).toEqual({
      kind: 'postgres',
    });
    expect(localTarget({ matchLabels: { app: 'redis' } }, SERVICES)).toBeUndefined();
    expect(serviceByName('ha-shop-user-service', SERVICES)).toBe('user-service');
    expect(serviceByName('ha-shop-redis', SERVICES)).toBeUndefined();
  });

  it('maps in-cluster URLs to the edge and the service addresses, and nothing else', () => {
    expect(localUrl('http://istio-ingressgateway.istio-system.svc/api/products?limit=1', status)).toBe(
      'http://127.0.0.1:4100/api/products?limit=1',
    );
    expect(
      localUrl('http://ha-shop-product-service.ha-shop.svc.cluster.local:8080/health/ready', status),
    ).toBe('http://127.0.0.1:4110/health/ready');
    expect(localUrl('http://127.0.0.1:9/x', status)).toBe('http://127.0.0.1:9/x');
    expect(localUrl('http://ha-shop-payment-service.ha-shop.svc:8080/health/ready', status)).toBeUndefined();
    expect(localUrl('https://example.com/', status)).toBeUndefined();
  });

  it('sees replicas as pods whose identity changes with the process, and times their readiness', () => {
    const target = { kind: 'service', service: 'product-service' } as const;
    const pods = localPods(target, status);
    expect(pods.map((p) => [p.name, p.uid, p.replica, p.ready])).toEqual([
      ['product-service-1', 'product-service-1#11', 1, true],
      ['product-service-2', 'product-service-2#12', 2, false],
    ]);
    expect(localPods({ kind: 'postgres' }, status)).toMatchObject([{ uid: 'postgres#2', ready: true }]);
    const clock = new ReadyClock();
    expect(clock.observe(pods, 1000)).toEqual([
      { name: 'product-service-1', uid: 'product-service-1#11', readySince: 1000 },
    ]);
    expect(clock.observe(pods, 2000)[0].readySince).toBe(1000);
    // Restarted (new pid): a new pod, Ready since it was first seen.
    const restarted = [{ ...pods[0], uid: 'product-service-1#21' }];
    expect(clock.observe(restarted, 3000)[0].readySince).toBe(3000);
  });
});

describe('the scenario library on one machine', () => {
  const library = loadScenarioFiles([join(ROOT, 'chaos-experiments')], ROOT);

  it('reads every ChaosScenario file in order, without the plain Chaos Mesh twins', () => {
    const sources = library.map((s) => s.source);
    expect(sources.length).toBeGreaterThanOrEqual(6);
    expect(sources).toEqual([...sources].sort());
    expect(sources.every((s) => s.startsWith('chaos-experiments/') && !s.endsWith('.chaos-mesh.yaml'))).toBe(
      true,
    );
  });

  it('finds a local target for every scenario and a local action or a stated skip for every step', () => {
    for (const { source, scenario } of library) {
      const target = localTarget(scenario.spec.target.selector, [...SERVICES, 'analytics-service']);
      expect(target, source).toBeDefined();
      for (const s of scenario.spec.steps) {
        const a = localAction(s, target!.kind, target!.kind === 'service' ? target!.service : '');
        expect(a.summary, `${source} ${s.name}`).not.toBe('');
      }
    }
    const edge = library.find((s) => s.scenario.metadata.name === 'product-kill-at-the-edge');
    expect(edge?.scenario.spec.steps.map((s) => localAction(s, 'service', 'product-service').kind)).toEqual([
      'kill',
      'skip',
    ]);
  });
});

describe('the local CPU burner', () => {
  it('runs its workers until their deadline and no longer, or until stopped', async () => {
    const burner = new CpuBurner();
    burner.start(1, 50, 300);
    expect(burner.running).toBe(1);
    for (let i = 0; i < 100 && burner.running > 0; i++) await sleep(100);
    expect(burner.running).toBe(0);

    burner.start(2, 100, 60_000);
    expect(burner.running).toBe(2);
    await burner.stop();
    expect(burner.running).toBe(0);
  });
});
