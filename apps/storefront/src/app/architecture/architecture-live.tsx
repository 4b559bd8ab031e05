'use client';

import { useActionState, useEffect, useState } from 'react';
import type { ArchitectureSnapshot, ServiceView } from '@/lib/architecture/snapshot';
import { chaosAction, type ChaosState } from '../actions/chaos';
import { KpiTiles } from './kpi-tiles';
import { RecentTraces } from './recent-traces';
import styles from './architecture.module.css';

const REFRESH_MS = 2_000;

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`;
const num = (v: number | null | undefined, unit = '') =>
  v === null || v === undefined ? '–' : `${v.toFixed(1)}${unit}`;

/** Polls the snapshot route every two seconds: live without reloading the page. */
function useSnapshot(initial: ArchitectureSnapshot | null, initialError: string | null) {
  const [snapshot, setSnapshot] = useState(initial);
  const [error, setError] = useState(initialError);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const res = await fetch('/architecture/data', { cache: 'no-store' });
        const body = (await res.json()) as ArchitectureSnapshot & { error?: string };
        if (stopped) return;
        if (res.ok) {
          setSnapshot(body);
          setError(null);
        } else setError(body.error ?? `HTTP ${res.status}`);
      } catch (err) {
        if (!stopped) setError((err as Error).message);
      }
    };
    const timer = setInterval(() => void tick(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return { snapshot, error };
}

function ChaosButton({ action, service, label }: { action: string; service?: string; label: string }) {
  return (
    <button type="submit" name="action" value={action} className="secondary" data-service={service}>
      {label}
    </button>
  );
}

function ServiceCard({ svc, chaos }: { svc: ServiceView; chaos: (form: FormData) => void }) {
  const healthy = svc.replicasReady === svc.replicasDesired && svc.state === 'running';
  return (
    <section
      className={styles.service}
      aria-labelledby={`svc-${svc.name}`}
      data-testid={`service-${svc.name}`}
    >
      <h3 id={`svc-${svc.name}`}>
        {svc.name}{' '}
        <span className={healthy ? styles.good : styles.bad} data-testid={`ready-${svc.name}`}>
          {svc.state === 'skipped' ? 'not started' : `${svc.replicasReady}/${svc.replicasDesired} ready`}
        </span>
      </h3>
      {svc.reason && <p className="hint">{svc.reason}</p>}
      <ul className={styles.replicas}>
        {svc.replicas.map((r) => (
          <li key={r.id} data-testid={`replica-${r.id}`} data-ready={String(r.ready)}>
            <span className={r.ready ? styles.dotUp : styles.dotDown} aria-hidden="true" />
            {r.id}: {r.state}, {r.ready ? 'ready' : 'not ready'}, {r.live ? 'live' : 'not live'}, restarts{' '}
            <span data-testid={`restarts-${r.id}`}>{r.restarts}</span>
          </li>
        ))}
      </ul>
      <p className={styles.metrics}>
        {num(svc.metrics?.requestsPerSecond, ' req/s')} · errors {pct(svc.metrics?.errorRatio)} · p95{' '}
        {svc.metrics?.p95Seconds ? `${Math.round(svc.metrics.p95Seconds * 1000)} ms` : '–'}
      </p>
      {svc.breakers && Object.keys(svc.breakers).length > 0 && (
        <p className={styles.metrics}>
          Breakers:{' '}
          {Object.entries(svc.breakers).map(([dep, state]) => (
            <span key={dep} className={state === 'closed' ? styles.good : styles.bad}>
              {dep} {state}{' '}
            </span>
          ))}
        </p>
      )}
      {svc.faults && Object.keys(svc.faults).length > 0 && (
        <p className="hint">Faults: {JSON.stringify(svc.faults)}</p>
      )}
      <p className={styles.db}>database: {svc.name.replace('-service', '')}_service</p>
      {svc.state === 'running' && (
        <form action={chaos} className="row" aria-label={`Chaos on ${svc.name}`}>
          <input type="hidden" name="service" value={svc.name} />
          <ChaosButton action="kill" service={svc.name} label="Kill a replica" />
          <ChaosButton action="freeze" service={svc.name} label="Freeze 5 s" />
          <ChaosButton action="latency" service={svc.name} label="+300 ms" />
          <ChaosButton action="errors" service={svc.name} label="20 % errors" />
        </form>
      )}
    </section>
  );
}

export function ArchitectureLive({
  initial,
  initialError,
}: {
  initial: ArchitectureSnapshot | null;
  initialError: string | null;
}) {
  const { snapshot, error } = useSnapshot(initial, initialError);
  const [chaosState, chaos, pending] = useActionState<ChaosState, FormData>(chaosAction, {});
  if (!snapshot) {
    return (
      <p className="notice error" role="alert">
        The platform status is unavailable: {error}
      </p>
    );
  }
  return (
    <div>
      <p className="hint" aria-live="polite">
        Source: {snapshot.source} · phase {snapshot.phase} · updated{' '}
        <time dateTime={snapshot.at}>{snapshot.at.slice(11, 19)}</time> UTC
        {error ? ` · last refresh failed: ${error}` : ''}
      </p>
      {chaosState.message && (
        <p className={`notice ${chaosState.error ? 'error' : 'ok'}`} role="status">
          {chaosState.message}
        </p>
      )}
      <h2>Business KPIs (last hour)</h2>
      <KpiTiles kpis={snapshot.kpis} />
      <h2>Live map</h2>
      <p className="hint">
        browser → storefront (
        {snapshot.storefront ? (snapshot.storefront.ready ? 'ready' : 'not ready') : 'not run by the runner'})
        → edge {snapshot.edge ?? ''} → services → PostgreSQL ({snapshot.database?.state ?? 'unknown'},
        restarts {snapshot.database?.restarts ?? 0})
      </p>
      {Object.keys(snapshot.storefrontBreakers).length > 0 && (
        <p className="hint">
          Storefront breakers:{' '}
          {Object.entries(snapshot.storefrontBreakers)
            .map(([dep, state]) => `${dep} ${state}`)
            .join(', ')}
        </p>
      )}
      {snapshot.metricsNote && <p className="hint">Error ratio and p95: {snapshot.metricsNote}.</p>}
      <div className={styles.map}>
        {snapshot.services.map((svc) => (
          <ServiceCard key={svc.name} svc={svc} chaos={chaos} />
        ))}
      </div>
      {snapshot.chaosAvailable && (
        <form action={chaos} className="row" aria-label="Platform-wide chaos" style={{ marginTop: '1rem' }}>
          <button type="submit" name="action" value="postgres-stop" className="secondary" disabled={pending}>
            Stop PostgreSQL 5 s
          </button>
          <button type="submit" name="action" value="heal" disabled={pending}>
            Heal everything
          </button>
        </form>
      )}
      <h2>Chaos and recovery timeline</h2>
      <ol className={styles.timeline} data-testid="timeline" tabIndex={0} aria-label="Timeline">
        {snapshot.timeline.map((e) => (
          <li key={e.seq}>
            <time dateTime={e.at}>{e.at.slice(11, 19)}</time> <strong>{e.kind}</strong> {e.message}
          </li>
        ))}
      </ol>
      <h2>Recent traces</h2>
      <RecentTraces traces={snapshot.traces ?? []} note={snapshot.tracesNote} />
    </div>
  );
}
