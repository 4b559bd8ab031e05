import { Body, Controller, Get, Logger, Module, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { setImmediate as nextTick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, ApiClient, bootService, expectProblem, testEnv, waitFor } from '@ha-shop/testkit';
import {
  BaseEnv,
  DEADLINE_HEADER,
  ON_BEHALF_OF_HEADER,
  RequestContext,
  RunningService,
  setLogDestination,
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
      ambient: RequestContext.current().deadline ?? null,
      capped: RequestContext.deadline(Date.now() + 600_000),
      actingFor: RequestContext.current().actingFor ?? null,
    };
  }

  /** A body is parsed from stream callbacks; the deadline must still reach the handler's context. */
  @Post()
  async post(@Req() request: FastifyRequest, @Body() body: { n: number }) {
    handled++;
    await nextTick();
    return {
      n: body.n,
      deadline: request.deadline ?? null,
      ambient: RequestContext.current().deadline ?? null,
    };
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

describe('the request context on the way in (x-request-deadline, x-on-behalf-of)', () => {
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
    expect(res.body).toEqual({ deadline, ambient: deadline, capped: deadline, actingFor: null });

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
    expect(RequestContext.current()).toEqual({});
  });

  it('puts the user a call is made for (x-on-behalf-of) on the log lines of that request', async () => {
    const user = '5b0f3f4e-6a53-4d8e-9d1a-0d1e1c2b3a49';
    const res = await api.get('/work', { headers: { [ON_BEHALF_OF_HEADER]: user, 'x-request-id': 'obo-1' } });
    expect(res.status).toBe(200);
    expect(res.body.actingFor).toBe(user);
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

  it('keeps one request from seeing the context of another running at the same time', async () => {
    const users = ['user-a', 'user-b', 'user-c', 'user-d'];
    const answers = await Promise.all(
      users.map((u, i) =>
        api.get('/work', {
          headers: { [ON_BEHALF_OF_HEADER]: u, [DEADLINE_HEADER]: String(Date.now() + 20_000 + i) },
        }),
      ),
    );
    expect(answers.map((r) => r.body.actingFor)).toEqual(users);
    for (const r of answers) expect(r.body.ambient).toBe(r.body.deadline);
    expect(new Set(answers.map((r) => r.body.deadline)).size).toBe(users.length);
  });
});

describe('RequestContext for work without an inbound request', () => {
  it('is empty outside any scope, and `run` gives exactly the scope stated', async () => {
    expect(RequestContext.current()).toEqual({});
    expect(RequestContext.deadline(1234)).toBe(1234);
    expect(RequestContext.timeLeft()).toBe(Infinity);
    expect(RequestContext.onBehalfOfHeaders()).toEqual({});
    const deadline = Date.now() + 5_000;
    const seen = await RequestContext.run({ actingFor: 'u-1', deadline }, async () => {
      await nextTick();
      // A nested `run` replaces the scope: the worker's calls do not inherit a request's.
      const inner = RequestContext.run({}, () => RequestContext.current());
      return { outer: RequestContext.current(), inner, headers: RequestContext.onBehalfOfHeaders() };
    });
    expect(seen).toEqual({
      outer: { actingFor: 'u-1', deadline },
      inner: {},
      headers: { [ON_BEHALF_OF_HEADER]: 'u-1' },
    });
    expect(RequestContext.current()).toEqual({});
  });

  it('`within` never ends past the caller, `outlivingCaller` may; both keep the acting user', () => {
    const soon = Date.now() + 1_000;
    RequestContext.run({ actingFor: 'u-2', deadline: soon }, () => {
      expect(RequestContext.deadline(soon + 10_000)).toBe(soon);
      expect(RequestContext.deadline(soon - 500)).toBe(soon - 500);
      RequestContext.within(60_000, () =>
        expect(RequestContext.current()).toEqual({ actingFor: 'u-2', deadline: soon }),
      );
      const narrowed = RequestContext.within(100, () => RequestContext.current());
      expect(narrowed.deadline).toBeLessThan(soon);
      const cleanUp = RequestContext.outlivingCaller(30_000, () => RequestContext.current());
      expect(cleanUp.actingFor).toBe('u-2');
      expect(cleanUp.deadline).toBeGreaterThanOrEqual(soon + 20_000);
      // The caller's scope is left as it was.
      expect(RequestContext.current()).toEqual({ actingFor: 'u-2', deadline: soon });
    });
    const alone = RequestContext.outlivingCaller(2_000, () => RequestContext.current());
    expect(alone.actingFor).toBeUndefined();
    expect(alone.deadline).toBeGreaterThan(Date.now());
  });

  it('`actAs` names the user of the scope it runs in, and does nothing outside one', () => {
    RequestContext.actAs('nobody');
    expect(RequestContext.current()).toEqual({});
    const seen = RequestContext.run({ actingFor: 'claimed' }, () => {
      RequestContext.actAs('signed-in');
      return RequestContext.onBehalfOfHeaders();
    });
    expect(seen).toEqual({ [ON_BEHALF_OF_HEADER]: 'signed-in' });
  });
});

function logLinesOf(lines: string[], requestId: string): Array<Record<string, unknown>> {
  return lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => (l.req as { id?: string } | undefined)?.id === requestId);
}
