import { business } from './business';
import { chaos } from './chaos';
import type { PanelQuery } from './panels';
import { platformOverview } from './platform-overview';
import { serviceDetail } from './service-detail';

export type { PanelQuery } from './panels';

export interface GeneratedDashboard {
  /** File name under monitoring/grafana/dashboards/. */
  file: string;
  uid: string;
  json: string;
  queries: PanelQuery[];
}

/** Every dashboard, rendered exactly as committed (2-space JSON, trailing newline). */
export function buildDashboards(): GeneratedDashboard[] {
  return [platformOverview(), serviceDetail(), business(), chaos()].map((d) => ({
    file: `${d.uid}.json`,
    uid: d.uid,
    json: `${JSON.stringify(numberPanels(d.dashboard), null, 2)}\n`,
    queries: d.queries,
  }));
}

/** Stable panel ids (Grafana links and provisioning diffing rely on them). */
function numberPanels<D extends { panels?: Array<{ id?: number }> }>(dashboard: D): D {
  (dashboard.panels ?? []).forEach((p, i) => {
    p.id = i + 1;
  });
  return dashboard;
}

/** Every panel and annotation query of every dashboard (for the real-Prometheus test). */
export function panelQueries(): PanelQuery[] {
  return buildDashboards().flatMap((d) => d.queries);
}
