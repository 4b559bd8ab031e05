import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel reads from the Prometheus picked in the dashboard's `datasource` variable. */
export const DATASOURCE: dashboard.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/**
 * One PromQL query of one panel, as the Prometheus test checks it: `data` says whether the
 * test's traffic must make it return samples (`required`) or it may legitimately be empty
 * (`optional`: e.g. only after a breaker opened).
 */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
  data: 'required' | 'optional';
}

export interface Query {
  expr: string;
  legend?: string;
  data?: 'required' | 'optional';
  instant?: boolean;
}

type AnyPanelBuilder =
  timeseries.PanelBuilder | stat.PanelBuilder | statetimeline.PanelBuilder | bargauge.PanelBuilder;

/** Collects the queries of the panels of one dashboard while it is built. */
export class QueryCatalogue {
  readonly queries: PanelQuery[] = [];
  constructor(readonly dashboard: string) {}

  attach<P extends AnyPanelBuilder>(panel: P, title: string, queries: Query[]): P {
    queries.forEach((q, i) => {
      const target = new prometheus.DataqueryBuilder()
        .datasource(DATASOURCE)
        .expr(q.expr)
        .refId(String.fromCharCode(65 + i))
        .legendFormat(q.legend ?? '__auto');
      if (q.instant) target.instant();
      else target.range();
      panel.withTarget(target);
      this.queries.push({
        dashboard: this.dashboard,
        panel: title,
        expr: q.expr,
        data: q.data ?? 'required',
      });
    });
    return panel;
  }

  timeseries(
    title: string,
    unit: string,
    queries: Query[],
    opts: { width?: number; description?: string; min?: number } = {},
  ) {
    const panel = new timeseries.PanelBuilder()
      .title(title)
      .datasource(DATASOURCE)
      .unit(unit)
      .lineWidth(1)
      .fillOpacity(10)
      .showPoints(common.VisibilityMode.Never)
      .legend(
        new common.VizLegendOptionsBuilder()
          .showLegend(true)
          .displayMode(common.LegendDisplayMode.Table)
          .placement(common.LegendPlacement.Bottom)
          .calcs(['mean', 'max', 'lastNotNull']),
      )
      .span(opts.width ?? 12)
      .height(8);
    if (opts.description) panel.description(opts.description);
    if (opts.min !== undefined) panel.min(opts.min);
    return this.attach(panel, title, queries);
  }

  stat(
    title: string,
    unit: string,
    queries: Query[],
    opts: {
      width?: number;
      description?: string;
      thresholds?: Array<[number | null, string]>;
      decimals?: number;
    } = {},
  ) {
    const panel = new stat.PanelBuilder()
      .title(title)
      .datasource(DATASOURCE)
      .unit(unit)
      .graphMode(common.BigValueGraphMode.Area)
      .colorMode(common.BigValueColorMode.Value)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .span(opts.width ?? 6)
      .height(5);
    if (opts.description) panel.description(opts.description);
    if (opts.decimals !== undefined) panel.decimals(opts.decimals);
    if (opts.thresholds) panel.thresholds(thresholds(opts.thresholds));
    return this.attach(panel, title, queries);
  }

  breakerTimeline(title: string, queries: Query[], opts: { width?: number } = {}) {
    const panel = new statetimeline.PanelBuilder()
      .title(title)
      .datasource(DATASOURCE)
      .description(
        'Circuit breaker per dependency: closed (calls flow), open (calls fail fast), half-open (probing).',
      )
      .mappings([
        {
          type: dashboard.MappingType.ValueToText,
          options: {
            '0': { text: 'closed', color: 'green', index: 0 },
            '1': { text: 'open', color: 'red', index: 1 },
            '2': { text: 'half-open', color: 'yellow', index: 2 },
            '3': { text: 'isolated', color: 'purple', index: 3 },
          },
        },
      ])
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .span(opts.width ?? 12)
      .height(8);
    return this.attach(panel, title, queries);
  }

  bars(title: string, unit: string, queries: Query[], opts: { width?: number; description?: string } = {}) {
    const panel = new bargauge.PanelBuilder()
      .title(title)
      .datasource(DATASOURCE)
      .unit(unit)
      .orientation(common.VizOrientation.Horizontal)
      .displayMode(common.BarGaugeDisplayMode.Gradient)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .span(opts.width ?? 12)
      .height(8);
    if (opts.description) panel.description(opts.description);
    return this.attach(panel, title, queries);
  }
}

export function thresholds(steps: Array<[number | null, string]>): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus');
}

/** A Prometheus annotation (markers on every time series panel), e.g. restarts or breaker trips. */
export function promAnnotation(
  catalogue: QueryCatalogue,
  name: string,
  expr: string,
  color: string,
  titleFormat: string,
): dashboard.AnnotationQueryBuilder {
  catalogue.queries.push({
    dashboard: catalogue.dashboard,
    panel: `annotation: ${name}`,
    expr,
    data: 'optional',
  });
  return new dashboard.AnnotationQueryBuilder()
    .name(name)
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor(color)
    .expr(expr)
    .step('15s')
    .titleFormat(titleFormat)
    .useValueForTime(false);
}

export function baseDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['ha-shop'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable());
}
