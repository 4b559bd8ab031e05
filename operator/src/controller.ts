import * as k8s from '@kubernetes/client-node';
import { ChaosScenario, GROUP, PLURAL, VERSION } from '@ha-shop/chaos-scenario';
import { OperatorOptions } from './config';
import { EventRecorder } from './events';
import { ResilientInformer } from './informer';
import { errorText, Kube, SCENARIOS } from './kube';
import { OperatorMetrics } from './metrics';
import { Reconciler } from './reconciler';
import { WorkQueue } from './work-queue';

const WORKERS = 2;

/** The informer, the queue and the workers: runs only while this replica leads. */
export class Controller {
  private readonly queue = new WorkQueue();
  private readonly informers: ResilientInformer<ChaosScenario & k8s.KubernetesObject>[];
  private readonly reconciler: Reconciler;
  private workers: Promise<void>[] = [];

  constructor(
    kube: Kube,
    private readonly o: OperatorOptions,
    private readonly metrics: OperatorMetrics,
  ) {
    const events = new EventRecorder(kube, o.identity, o.log);
    this.reconciler = new Reconciler(kube, events, metrics, o.tickMs, o.log);
    const enqueue = (obj: ChaosScenario) => this.queue.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
    // One informer per watched namespace: RBAC may grant nothing cluster-wide.
    const scopes = o.watchNamespaces.length ? o.watchNamespaces : [undefined];
    this.informers = scopes.map(
      (ns) =>
        new ResilientInformer({
          kc: kube.kc,
          path: ns
            ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`
            : `/apis/${GROUP}/${VERSION}/${PLURAL}`,
          list: () =>
            (ns
              ? kube.custom.listNamespacedCustomObject({ ...SCENARIOS, namespace: ns })
              : kube.custom.listClusterCustomObject(SCENARIOS)) as Promise<
              k8s.KubernetesListObject<ChaosScenario & k8s.KubernetesObject>
            >,
          onChange: enqueue,
          onDelete: enqueue,
          resyncMs: o.resyncMs,
          silenceMs: o.watchSilenceMs,
          log: o.log,
          onRestart: () => metrics.watchRestarts.inc(),
        }),
    );
  }

  get synced(): boolean {
    return this.informers.every((i) => i.hasSynced);
  }

  async start(): Promise<void> {
    this.workers = Array.from({ length: WORKERS }, () => this.work());
    await Promise.all(this.informers.map((i) => i.start()));
  }

  /** Stops taking work; waits for the reconciles in flight. */
  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const [namespace, name] = key.split('/');
      try {
        const again = await this.reconciler.reconcile(namespace, name);
        this.queue.forget(key);
        this.metrics.reconciles.inc({ result: 'ok' });
        if (again !== undefined) this.queue.addAfter(key, again);
      } catch (err) {
        this.metrics.reconciles.inc({ result: 'error' });
        this.o.log(`reconcile ${key}: ${errorText(err)}`);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
