import { DataTable } from '@/components/data-table';
import type { TraceView } from '@/lib/architecture/snapshot';

const COLUMNS = ['Started (UTC)', 'Operation', 'Services', 'Spans', 'Duration', 'Result'];

/** The newest traces (root span, services it crossed, duration), each linking to Jaeger. */
export function RecentTraces({ traces, note }: { traces: TraceView[]; note: string | null }) {
  if (!traces.length) return <p className="hint">Traces: {note ?? 'none yet'}.</p>;
  return (
    <DataTable
      caption="Newest first, from Jaeger (last 15 minutes)"
      captionClassName="hint"
      columns={COLUMNS}
      testId="traces"
    >
      {traces.map((t) => (
        <tr key={t.traceId}>
          <td>
            <time dateTime={t.startedAt}>{t.startedAt.slice(11, 19)}</time>
          </td>
          <td>
            <a href={t.url}>
              {t.rootService}: {t.operation}
            </a>
          </td>
          <td>{t.services.join(', ')}</td>
          <td>{t.spans}</td>
          <td>{t.durationMs.toFixed(1)} ms</td>
          <td>{t.error ? 'error' : 'ok'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
