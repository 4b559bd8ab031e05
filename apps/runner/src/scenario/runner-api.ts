import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { runnerStatus } from '../status-api';

export type RunnerStatus = ReturnType<typeof runnerStatus>;

/** The runner's status/chaos API as the scenario and the tests use it. */
export class RunnerApi {
  constructor(readonly baseUrl: string) {}

  async status(): Promise<RunnerStatus> {
    return (await this.send('GET', '/status')) as RunnerStatus;
  }

  async reachable(): Promise<boolean> {
    try {
      await this.status();
      return true;
    } catch {
      return false;
    }
  }

  chaos(
    action: 'kill' | 'freeze' | 'postgres-stop' | 'faults' | 'heal',
    body: Record<string, unknown> = {},
  ): Promise<unknown> {
    return this.send('POST', `/chaos/${action}`, body);
  }

  /** Every replica running, ready and not ejected, and PostgreSQL up. */
  static allReady(s: RunnerStatus): boolean {
    if (s.phase !== 'running' || s.postgres.state !== 'running') return false;
    return s.services.every(
      (svc) => svc.state === 'skipped' || svc.replicas.every((r) => r.state === 'running' && r.routable),
    );
  }

  /** Waits until `predicate` holds; returns how long it took (ms), or throws after `timeoutMs`. */
  async waitFor(predicate: (s: RunnerStatus) => boolean, timeoutMs: number, what: string): Promise<number> {
    const started = Date.now();
    for (;;) {
      try {
        if (predicate(await this.status())) return Date.now() - started;
      } catch {
        // The runner may be busy; keep asking until the deadline.
      }
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
      await sleep(100);
    }
  }

  private async send(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<unknown> {
    const res = await request(this.baseUrl + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const payload = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode >= 400)
      throw new Error(`${method} ${path}: ${res.statusCode} ${String(payload.error ?? '')}`);
    return payload;
  }
}
