import { ChaosScenario, ScenarioStatus, SCHEDULE_FIELDS } from '@ha-shop/chaos-scenario';
import { Cron } from 'croner';
import { EventRecorder } from './events';
import { isConflict, isNotFound, Kube, SCENARIOS } from './kube';

export const LABEL_SCHEDULED_BY = 'chaos.ha-shop.dev/scheduled-by';
const DEFAULT_HISTORY = 3;
const MAX_MISSED = 10_000;

/**
 * The latest tick in (last, now], or undefined when none is due, and the tick
 * after now. Missed ticks (operator down, no leader) collapse into one run,
 * as a CronJob without startingDeadlineSeconds would not: a chaos run is
 * worth doing once, late, rather than many times at once.
 */
export function dueTick(schedule: string, last: number, now: number): { due?: number; next: number } {
  const cron = new Cron(schedule, { paused: true, timezone: 'Etc/UTC' });
  let due: number | undefined;
  let t = cron.nextRun(new Date(last));
  for (let i = 0; t && t.getTime() <= now && i < MAX_MISSED; i++) {
    due = t.getTime();
    t = cron.nextRun(t);
  }
  cron.stop();
  return { due, next: t ? t.getTime() : Number.POSITIVE_INFINITY };
}

/** A scheduled ChaosScenario is a template: each tick creates a child run, as a CronJob creates Jobs. */
export class Scheduler {
  constructor(
    private readonly kube: Kube,
    private readonly events: EventRecorder,
    private readonly writeStatus: (obj: ChaosScenario, status: ScenarioStatus) => Promise<ChaosScenario>,
    private readonly tickMs: number,
  ) {}

  async reconcile(parent: ChaosScenario): Promise<number> {
    const namespace = parent.metadata.namespace as string;
    const now = Date.now();
    const children = await this.children(parent);
    const active = children.filter((c) => c.status?.phase !== 'Completed');
    const created = Date.parse(
      String((parent.metadata as { creationTimestamp?: string }).creationTimestamp ?? now),
    );
    const last = parent.status?.lastScheduleTime ? Date.parse(parent.status.lastScheduleTime) : created;
    const { due, next } = dueTick(parent.spec.schedule as string, last, now);
    let lastScheduleTime = parent.status?.lastScheduleTime;

    if (due !== undefined) {
      const policy = parent.spec.concurrencyPolicy ?? 'Forbid';
      if (active.length && policy === 'Forbid') {
        await this.events.record(parent, false, 'RunSkipped', `${active.map(name).join(', ')} still running`);
      } else {
        if (policy === 'Replace') for (const c of active) await this.remove(namespace, name(c));
        const child = await this.createChild(parent, due);
        await this.events.record(parent, false, 'RunStarted', `started ${child}`);
      }
      lastScheduleTime = new Date(due).toISOString();
    }

    // Oldest finished runs beyond the history limit go (their finalizers are already gone).
    const finished = children
      .filter((c) => c.status?.phase === 'Completed')
      .sort((a, b) => (a.status?.finishedAt ?? '').localeCompare(b.status?.finishedAt ?? ''));
    const keep = parent.spec.historyLimit ?? DEFAULT_HISTORY;
    for (const c of finished.slice(0, Math.max(0, finished.length - keep)))
      await this.remove(namespace, name(c));

    const latest = finished.at(-1);
    const status: ScenarioStatus = {
      ...parent.status,
      observedGeneration: parent.metadata.generation,
      phase: 'Scheduled',
      reason: undefined,
      message: undefined,
      lastScheduleTime,
      nextScheduleTime: Number.isFinite(next) ? new Date(next).toISOString() : undefined,
      active: (await this.children(parent)).filter((c) => c.status?.phase !== 'Completed').map(name),
      lastRun: latest
        ? { name: name(latest), verdict: latest.status?.verdict, finishedAt: latest.status?.finishedAt }
        : undefined,
      verdict: latest?.status?.verdict,
    };
    await this.writeStatus(parent, status);
    // Children report through their own status; the parent looks again at the next tick or soon.
    return Math.max(this.tickMs, Math.min(next - Date.now(), 4 * this.tickMs, 60_000));
  }

  private async children(parent: ChaosScenario): Promise<ChaosScenario[]> {
    const list = (await this.kube.custom.listNamespacedCustomObject({
      ...SCENARIOS,
      namespace: parent.metadata.namespace as string,
      labelSelector: `${LABEL_SCHEDULED_BY}=${parent.metadata.name}`,
    })) as { items: (ChaosScenario & { metadata: { ownerReferences?: { uid?: string }[] } })[] };
    return list.items.filter((c) => c.metadata.ownerReferences?.some((o) => o.uid === parent.metadata.uid));
  }

  /** Deterministic name per tick: a retried create after a crash finds the run it already made. */
  private async createChild(parent: ChaosScenario, due: number): Promise<string> {
    const childName = `${(parent.metadata.name as string).slice(0, 40)}-${Math.floor(due / 1000)}`;
    const spec = Object.fromEntries(
      Object.entries(parent.spec).filter(([k]) => !(SCHEDULE_FIELDS as readonly string[]).includes(k)),
    );
    try {
      await this.kube.custom.createNamespacedCustomObject({
        ...SCENARIOS,
        namespace: parent.metadata.namespace as string,
        body: {
          apiVersion: parent.apiVersion,
          kind: parent.kind,
          metadata: {
            name: childName,
            labels: { [LABEL_SCHEDULED_BY]: parent.metadata.name },
            ownerReferences: [
              {
                apiVersion: parent.apiVersion,
                kind: parent.kind,
                name: parent.metadata.name,
                uid: parent.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec,
        },
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    return childName;
  }

  private async remove(namespace: string, childName: string): Promise<void> {
    try {
      await this.kube.custom.deleteNamespacedCustomObject({ ...SCENARIOS, namespace, name: childName });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function name(s: ChaosScenario): string {
  return s.metadata.name as string;
}
