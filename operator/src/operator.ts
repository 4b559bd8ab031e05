import * as k8s from '@kubernetes/client-node';
import { Server } from 'node:http';
import { defaultOptions, OperatorOptions } from './config';
import { Controller } from './controller';
import { portOf, startHttpServer } from './http-server';
import { makeKube } from './kube';
import { LeaderElector } from './leader-election';
import { OperatorMetrics } from './metrics';

/**
 * One operator replica: campaigns for the Lease, runs the controller while it
 * leads, serves health and metrics all the time. Followers are Ready too:
 * they are healthy standbys, and a Service in front of them would only carry
 * metrics.
 */
export class ChaosOperator {
  readonly metrics = new OperatorMetrics();
  readonly options: OperatorOptions;
  private readonly elector: LeaderElector;
  private controller: Controller | undefined;
  private server: Server | undefined;
  /** Leadership changes run one after another, never interleaved. */
  private transitions: Promise<void> = Promise.resolve();
  private stopped = false;
  private everLed = false;

  private constructor(
    private readonly kc: k8s.KubeConfig,
    options: Partial<OperatorOptions>,
  ) {
    this.options = defaultOptions(options);
    const o = this.options;
    const kube = makeKube(kc);
    this.elector = new LeaderElector({
      api: kube.coordination,
      namespace: o.leaseNamespace,
      name: o.leaseName,
      identity: o.identity,
      leaseDurationMs: o.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs,
      log: o.log,
      onStartedLeading: () => this.transition(true),
      onStoppedLeading: () => this.transition(false),
    });
  }

  static async start(kc: k8s.KubeConfig, options: Partial<OperatorOptions> = {}): Promise<ChaosOperator> {
    const op = new ChaosOperator(kc, options);
    const o = op.options;
    if (o.httpPort !== undefined) {
      op.server = await startHttpServer(o.httpPort, o.httpHost, op.metrics.registry, {
        live: () => !op.stopped,
        ready: () => !op.stopped && (!op.elector.isLeader || (op.controller?.synced ?? false)),
      });
    }
    op.elector.start();
    return op;
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  get identity(): string {
    return this.options.identity;
  }

  get httpPort(): number | undefined {
    return this.server ? portOf(this.server) : undefined;
  }

  /** Watches re-established so far, including the fresh one a regained leadership starts. */
  async watchRestarts(): Promise<number> {
    return (await this.metrics.watchRestarts.get()).values.reduce((n, v) => n + v.value, 0);
  }

  /**
   * Graceful: stops the controller (the reconciles in flight finish) and only
   * then releases the Lease, so the next leader never overlaps with this one.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.transitions;
    const c = this.controller;
    this.controller = undefined;
    await c?.stop();
    await this.elector.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private transition(leading: boolean): void {
    this.metrics.leader.set(leading ? 1 : 0);
    this.transitions = this.transitions
      .then(async () => {
        if (leading && !this.stopped && !this.controller) {
          if (this.everLed) this.metrics.watchRestarts.inc();
          this.everLed = true;
          this.controller = new Controller(makeKube(this.kc), this.options, this.metrics);
          await this.controller.start();
        } else if (!leading && this.controller) {
          const c = this.controller;
          this.controller = undefined;
          await c.stop();
        }
      })
      .catch((err: unknown) => this.options.log(`leadership change failed: ${String(err)}`));
  }
}
