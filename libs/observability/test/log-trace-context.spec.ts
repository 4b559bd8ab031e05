import { memoryExporter } from './support/memory-tracing';
import 'reflect-metadata';
import { SpanKind } from '@opentelemetry/api';
import type { RunningService } from '@ha-shop/service-kit';
import { apiClient, bootService, LogCapture, waitFor } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSpan } from '../src';
import { TinyServiceModule } from './support/tiny-service';
import { Logger } from '@nestjs/common';

describe('trace context in logs', () => {
  const logs = new LogCapture();
  let svc: RunningService;

  beforeAll(async () => {
    logs.install();
    svc = await bootService(TinyServiceModule.forRoot('tiny-logs', { LOG_LEVEL: 'info' }), 'tiny-logs');
  });

  afterAll(async () => {
    await svc?.shutdown();
    logs.uninstall();
  });

  it('puts the request span trace_id/span_id on every line logged while serving it', async () => {
    memoryExporter.reset();
    // The test's own fetch is traced too (undici instrumentation) and sends its traceparent,
    // so the service must continue the caller's trace.
    let traceId = '';
    const res = await withSpan('caller', async (span) => {
      traceId = span.spanContext().traceId;
      return apiClient(svc.url).get('/things/abc');
    });
    expect(res.status).toBe(200);
    await waitFor(() => logs.lines().some((l) => l.msg === 'request completed'));

    const handlerLine = logs.lines().find((l) => l.msg === 'looking up thing abc');
    const completed = logs
      .lines()
      .find((l) => l.msg === 'request completed' && (l.req as { url: string }).url === '/things/abc');
    for (const line of [handlerLine, completed]) {
      expect(line).toBeDefined();
      expect(line!.trace_id).toBe(traceId);
      expect(line!.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
    // The ids are those of spans that exist: the server span of this request.
    const spans = memoryExporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(server).toBeDefined();
    const spanIds = spans.map((s) => s.spanContext().spanId);
    expect(spanIds).toContain(handlerLine!.span_id);
  });

  it('gives a background job started with withSpan its own trace id in the logs', async () => {
    const logger = new Logger('Worker');
    let jobTraceId = '';
    await withSpan('test job', (span) => {
      jobTraceId = span.spanContext().traceId;
      logger.log('worker tick');
    });
    await waitFor(() => logs.lines().some((l) => l.msg === 'worker tick'));
    const line = logs.lines().find((l) => l.msg === 'worker tick');
    expect(line?.trace_id).toBe(jobTraceId);
  });

  it('logs no trace fields outside any span rather than stale ones', async () => {
    new Logger('Outside').log('outside any span');
    await waitFor(() => logs.lines().some((l) => l.msg === 'outside any span'));
    const line = logs.lines().find((l) => l.msg === 'outside any span');
    expect(line?.trace_id).toBeUndefined();
  });
});
