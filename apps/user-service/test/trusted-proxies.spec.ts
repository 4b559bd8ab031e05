import { expectProblem } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUserService, uniqueEmail, UserServiceHandle } from './support';

// Issue 14 item 8: the per-IP login limit keys on the client address, so X-Forwarded-For may only
// come from the edge. These tests call a replica directly from 127.0.0.1, as anything that reaches
// a replica can.
const LIMIT = 3;
const attempt = (svc: UserServiceHandle, n: number) =>
  svc.api.post(
    '/auth/login',
    { email: uniqueEmail('guess'), password: 'not-the-password-1' },
    { headers: { 'x-forwarded-for': `198.51.100.${n}` } },
  );

describe('X-Forwarded-For is believed only from TRUSTED_PROXIES', () => {
  let behindEdge: UserServiceHandle;
  let defaults: UserServiceHandle;

  beforeAll(async () => {
    const limits = { LOGIN_IP_RATE_LIMIT_PER_MINUTE: String(LIMIT), LOGIN_RATE_LIMIT_PER_MINUTE: '0' };
    // The edge lives at another address: this caller's header is its own claim.
    behindEdge = await startUserService({ ...limits, TRUSTED_PROXIES: '192.0.2.10, 10.1.0.0/16' });
    // Default: loopback (the runner's edge, a mesh sidecar) is trusted.
    defaults = await startUserService(limits);
  });
  afterAll(() => Promise.all([behindEdge?.svc.shutdown(), defaults?.svc.shutdown()]));

  it('a caller that is not a trusted proxy cannot rotate the per-IP login limit', async () => {
    for (let n = 1; n <= LIMIT; n++) expectProblem(await attempt(behindEdge, n), 401);
    const over = await attempt(behindEdge, LIMIT + 1);
    expectProblem(over, 429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it("a trusted proxy's X-Forwarded-For names the client", async () => {
    // Each claimed client has its own budget: none of them is over the limit.
    for (let n = 1; n <= LIMIT + 2; n++) expectProblem(await attempt(defaults, n), 401);
  });
});
