import { request } from 'undici';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The demo Prometheus' HTTP API, as the tests read it. */
export class PrometheusApi {
  constructor(readonly url: string) {}

  async query(expr: string): Promise<Sample[]> {
    const body = (await this.get(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
      status: string;
      error?: string;
      data: { result: Sample[] };
    };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  }

  async targets(): Promise<Array<{ labels: Record<string, string>; health: string; scrapePool: string }>> {
    const body = (await this.get('/api/v1/targets?state=active')) as {
      data: { activeTargets: Array<{ labels: Record<string, string>; health: string; scrapePool: string }> };
    };
    return body.data.activeTargets;
  }

  async ruleFiles(): Promise<string[]> {
    const body = (await this.get('/api/v1/rules')) as { data: { groups: Array<{ file: string }> } };
    return [...new Set(body.data.groups.map((g) => g.file))];
  }

  async alerts(): Promise<Array<{ labels: Record<string, string>; state: string }>> {
    const body = (await this.get('/api/v1/alerts')) as {
      data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
    };
    return body.data.alerts;
  }

  private async get(path: string): Promise<unknown> {
    const res = await request(this.url + path, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    return res.body.json();
  }
}
