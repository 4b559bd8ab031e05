import { expectProblem, sql } from '@ha-shop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefreshTokenRepository } from '../src/sessions/refresh-token.repository';
import { signUp, startUserService, UserServiceHandle } from './support';

// The hourly clean-up of sign-in sessions: what it deletes and what it must leave alone.
describe('expired session clean-up', () => {
  let h: UserServiceHandle;

  beforeAll(async () => {
    h = await startUserService();
  });
  afterAll(() => h.svc.shutdown());

  const familiesOf = (userId: string) =>
    sql<{ tokens: number }>(
      h.db,
      `SELECT (SELECT count(*)::int FROM refresh_token t WHERE t.family_id = f.id) AS tokens
         FROM refresh_token_family f WHERE f.user_id = $1`,
      [userId],
    );

  /** Moves a user's sessions into the past: tokens expired `expiredHours` ago, families older still. */
  const age = async (userId: string, expiredHours: number) => {
    await sql(
      h.db,
      `UPDATE refresh_token SET expires_at = now() - $2 * interval '1 hour' WHERE user_id = $1`,
      [userId, expiredHours],
    );
    await sql(
      h.db,
      `UPDATE refresh_token_family SET created_at = now() - interval '30 days' WHERE user_id = $1`,
      [userId],
    );
  };

  it('deletes tokens a day past expiry and the families they leave empty, nothing else', async () => {
    const [longGone, justExpired, live] = [await signUp(h.api), await signUp(h.api), await signUp(h.api)];
    await age(longGone.id, 25);
    await age(justExpired.id, 2);

    await h.svc.app.get(RefreshTokenRepository).deleteExpired();

    expect(await familiesOf(longGone.id)).toEqual([]);
    // Still inside the day of grace: kept, and refused as expired rather than unknown.
    expect(await familiesOf(justExpired.id)).toEqual([{ tokens: 1 }]);
    const refused = await h.api.post('/auth/refresh', { refreshToken: justExpired.refreshToken });
    expect(expectProblem(refused, 401).detail).toMatch(/expired/);
    expect(await familiesOf(live.id)).toEqual([{ tokens: 1 }]);
    expect((await h.api.post('/auth/refresh', { refreshToken: live.refreshToken })).status).toBe(200);
  });
});
