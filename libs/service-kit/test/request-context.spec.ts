import { Body, Controller, Get, Logger, Module, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { setImmediate as nextTick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, ApiClient, bootService, expectProblem, testEnv, waitFor } from '@ha-shop/testkit';
import {
  BaseEnv,
  currentRequestDeadline,
  DEADLINE_HEADER,
  ON_BEHALF_OF_HEADER,
  RunningService,
  setLogDestination,
  withinRequestDeadline,
} from '../src';
import { HealthModule } from '../src/health/health.module';
import { ServiceConfigModule } from '../src/config/service-config.module';
import { ServiceLoggerModule } from '../src/logging/logger.module';

let handled = 0;

@Controller('work')
class WorkController {
  private readonly logger = new Logger('Work');

  /** What a handler, and code it awaits (an outbound client), sees of the caller's deadline. */
  @Get()
  async get(@Req() request: FastifyRequest) {
    handled++;
    await nextTick();
    this.logger.log('handled work');
    return {
      deadline: request.deadline ?? null,
      ambient: currentRequestDeadline() ?? null,
      capped: withinRequestDeadline(Date.now() + 600_000),
    };
  }

  /** A body is parsed from stream callbacks; the deadline must still reach the handler's context. */
  @Post()
  async post(@Req() request: FastifyRequest, @Body() body: { n: number }) {
    handled++;
    await nextTick();
    return { n: body.n, deadline: request.deadline ?? null, ambient: currentRequestDeadline() ?? null };
  }
}

/** Built after setLogDestination: the logger module takes its destination when it is created. */
function deadlineTestModule() {
  @Module({
    imports: [
      ServiceConfigModule.forRoot(BaseEnv, testEnv({ DATABASE_URL: 'postgres://x@127.0.0.1:1/none' })),
      ServiceLoggerModule.forRoot('deadline-test', 'info'),
      HealthModule.forRoot(),
    ],
    controllers: [WorkController],
  })
  class DeadlineTestModule {}
  return DeadlineTestModule;
}

describe('x-request-deadline on the way in', () => {
  let service: RunningService;
  let api: ApiClient;
  const lines: string[] = [];

  beforeAll(async () => {
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      service = await bootService(deadlineTestModule(), 'deadline-test');
    } finally {
      setLogDestination(undefined);
    }
    api = apiClient(service.url);
  });
  afterAll(() => service?.shutdown());

  it('answers 504 problem+json at once when the deadline has passed, without running the handler', async () => {
    const before = handled;
    const res = await api.get('/work', { headers: { [DEADLINE_HEADER]: String(Date.now() - 1) } });
    const problem = expectProblem(res, 504);
    expect(problem.type).toContain('deadline-exceeded');
    expect(problem.instance).toBe('/work');
    const post = await api.post('/work', { n: 1 }, { headers: { [DEADLINE_HEADER]: '1' } });
    expectProblem(post, 504);
    expect(handled).toBe(before);
  });

  it('shows a future deadline to the handler and to the code it awaits', async () => {
    const deadline = Date.now() + 30_000;
    const res = await api.get('/work', { headers: { [DEADLINE_HEADER]: String(deadline) } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deadline, ambient: deadline, capped: deadline });

    const post = await api.post('/work', { n: 7 }, { headers: { [DEADLINE_HEADER]: String(deadline) } });
    expect(post.status).toBe(201);
    expect(post.body).toEqual({ n: 7, deadline, ambient: deadline });
  });

  it('caps a far-future deadline and ignores a malformed one', async () => {
    const far = await api.get('/work', { headers: { [DEADLINE_HEADER]: String(Date.now() + 3_600_000) } });
    expect(far.body.deadline).toBeLessThanOrEqual(Date.now() + 60_000);
    const bad = await api.get('/work', { headers: { [DEADLINE_HEADER]: 'soon' } });
    expect(bad.status).toBe(200);
    expect(bad.body.deadline).toBeNull();
    expect(bad.body.ambient).toBeNull();
  });

  it('without the header, handlers get no deadline and own deadlines stay as they are', async () => {
    const res = await api.get('/work');
    expect(res.body.deadline).toBeNull();
    expect(res.body.ambient).toBeNull();
    expect(res.body.capped).toBeGreaterThan(Date.now() + 60_000);
    expect(currentRequestDeadline()).toBeUndefined();
  });

  it('puts the user a call is made for (x-on-behalf-of) on the log lines of that request', async () => {
    const user = '5b0f3f4e-6a53-4d8e-9d1a-0d1e1c2b3a49';
    const res = await api.get('/work', { headers: { [ON_BEHALF_OF_HEADER]: user, 'x-request-id': 'obo-1' } });
    expect(res.status).toBe(200);
    // The access log line is written when the response has gone out: wait for it.
    const ofRequest = await waitFor(() => {
      const found = logLinesOf(lines, 'obo-1');
      return found.some((l) => l.msg === 'request completed') && found;
    });
    expect(ofRequest.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['handled work', 'request completed']),
    );
    expect(ofRequest.every((l) => l.onBehalfOf === user)).toBe(true);

    // Not a user id: not logged (the header is the caller's claim and ends up in log lines).
    await api.get('/work', {
      headers: { [ON_BEHALF_OF_HEADER]: '{"admin": true}', 'x-request-id': 'obo-2' },
    });
    const other = await waitFor(() => {
      const found = logLinesOf(lines, 'obo-2');
      return found.some((l) => l.msg === 'request completed') && found;
    });
    expect(other.some((l) => 'onBehalfOf' in l)).toBe(false);
  });
});

function logLinesOf(lines: string[], requestId: string): Array<Record<string, unknown>> {
  return lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => (l.req as { id?: string } | undefined)?.id === requestId);
}
