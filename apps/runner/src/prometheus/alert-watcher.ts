import { request } from 'undici';
import { EventLog } from '../event-log';

export interface PrometheusAlert {
  name: string;
  state: 'pending' | 'firing';
  severity: string | null;
  service: string | null;
  labels: Record<string, string>;
  activeAt: string;
  summary: string | null;
}

interface AlertsResponse {
  data: {
    alerts: Array<{
      labels: Record<string, string>;
      annotations: Record<string, string>;
      state: 'pending' | 'firing' | 'inactive';
      activeAt: string;
    }>;
  };
}

/**
 * Polls Prometheus' alerts (no Alertmanager on one machine) so the status API shows them
 * and each alert that starts or stops firing is a runner event.
 */
export class AlertWatcher {
  private alerts: PrometheusAlert[] = [];
  private firing = new Map<string, PrometheusAlert>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly events: EventLog,
    private readonly periodMs = 2000,
  ) {}

  start(): void {
    const tick = async () => {
      await this.poll().catch(() => undefined);
      this.timer = setTimeout(() => void tick(), this.periodMs);
    };
    void tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  current(): PrometheusAlert[] {
    return this.alerts;
  }

  private async poll(): Promise<void> {
    const res = await request(`${this.url}/api/v1/alerts`, { headersTimeout: 3000, bodyTimeout: 3000 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return;
    }
    const body = (await res.body.json()) as AlertsResponse;
    this.alerts = body.data.alerts
      .filter((a) => a.state !== 'inactive')
      .map((a) => ({
        name: a.labels.alertname,
        state: a.state as 'pending' | 'firing',
        severity: a.labels.severity ?? null,
        service: a.labels.service ?? null,
        labels: a.labels,
        activeAt: a.activeAt,
        summary: a.annotations.summary ?? null,
      }));
    const now = new Map(this.alerts.filter((a) => a.state === 'firing').map((a) => [alertKey(a), a]));
    for (const [key, alert] of now) {
      if (!this.firing.has(key))
        this.events.add('alert', `alert ${alert.name} firing: ${alert.summary ?? key}`, {
          ...(alert.service ? { service: alert.service } : {}),
          data: { alert: alert.name, state: 'firing', labels: alert.labels },
        });
    }
    for (const [key, alert] of this.firing) {
      if (!now.has(key))
        this.events.add('alert', `alert ${alert.name} resolved`, {
          ...(alert.service ? { service: alert.service } : {}),
          data: { alert: alert.name, state: 'resolved', labels: alert.labels },
        });
    }
    this.firing = now;
  }
}

function alertKey(a: PrometheusAlert): string {
  return Object.entries(a.labels)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
