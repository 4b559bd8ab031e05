import { ChaosScenario } from '@ha-shop/chaos-scenario';
import { randomBytes } from 'node:crypto';
import { Kube } from './kube';

export const COMPONENT = 'chaos.ha-shop.dev/operator';

/** Writes core/v1 Events about a scenario; a lost event is logged, never fatal. */
export class EventRecorder {
  constructor(
    private readonly kube: Kube,
    private readonly identity: string,
    private readonly log: (m: string) => void,
  ) {}

  async record(scenario: ChaosScenario, warning: boolean, reason: string, message: string): Promise<void> {
    const namespace = scenario.metadata.namespace as string;
    const now = new Date();
    try {
      await this.kube.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `${scenario.metadata.name}.${randomBytes(6).toString('hex')}`, namespace },
          involvedObject: {
            apiVersion: scenario.apiVersion,
            kind: scenario.kind,
            name: scenario.metadata.name,
            namespace,
            uid: scenario.metadata.uid,
          },
          type: warning ? 'Warning' : 'Normal',
          reason,
          message: message.slice(0, 1024),
          source: { component: COMPONENT, host: this.identity },
          reportingComponent: COMPONENT,
          reportingInstance: this.identity,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.log(`event ${reason} for ${namespace}/${scenario.metadata.name} not recorded: ${String(err)}`);
    }
  }
}
