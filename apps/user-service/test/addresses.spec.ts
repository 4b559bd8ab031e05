import { expectProblem, sql } from '@ha-shop/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, SignedIn, startUserService, UserServiceHandle } from './support';

const home = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'gb',
};

describe('addresses', () => {
  let h: UserServiceHandle;
  let ada: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    h = await startUserService();
    ada = await signUp(h.api);
    bob = await signUp(h.api);
  });
  afterAll(() => h.svc.shutdown());

  const path = '/users/me/addresses';

  it('creates, lists, updates and deletes an address', async () => {
    const created = await h.api.post(path, home, { token: ada.accessToken });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      ...home,
      country: 'GB',
      line2: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id as string;

    const list = await h.api.get(path, { token: ada.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([id]);

    const patched = await h.api.patch(
      `${path}/${id}`,
      { line2: ' Flat 3 ', city: 'Bath' },
      { token: ada.accessToken },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, line2: 'Flat 3', city: 'Bath', line1: home.line1 });
    const cleared = await h.api.patch(`${path}/${id}`, { line2: null }, { token: ada.accessToken });
    expect(cleared.body.line2).toBeNull();

    expect((await h.api.delete(`${path}/${id}`, { token: ada.accessToken })).status).toBe(204);
    expectProblem(await h.api.delete(`${path}/${id}`, { token: ada.accessToken }), 404);
    expect((await h.api.get(path, { token: ada.accessToken })).body.items).toEqual([]);
  });

  it("treats another user's address as not found", async () => {
    const mine = await h.api.post(path, home, { token: bob.accessToken });
    const id = mine.body.id as string;
    expectProblem(await h.api.patch(`${path}/${id}`, { city: 'Paris' }, { token: ada.accessToken }), 404);
    expectProblem(await h.api.delete(`${path}/${id}`, { token: ada.accessToken }), 404);
    expect((await h.api.get(path, { token: ada.accessToken })).body.items).toEqual([]);
    const [row] = await sql(h.db, 'SELECT city FROM address WHERE id = $1', [id]);
    expect(row.city).toBe('London');
    expectProblem(
      await h.api.patch(`${path}/${randomUUID()}`, { city: 'Paris' }, { token: bob.accessToken }),
      404,
    );
  });

  it('keeps at most 10 addresses, even under concurrent creates', async () => {
    const carol = await signUp(h.api);
    const results = await Promise.all(
      Array.from({ length: 14 }, () => h.api.post(path, home, { token: carol.accessToken })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(expectProblem(r, 422).type).toBe('https://ha-shop.dev/problems/address-limit-reached');
    }
    const [{ n }] = await sql<{ n: number }>(
      h.db,
      'SELECT count(*)::int AS n FROM address WHERE user_id = $1',
      [carol.id],
    );
    expect(n).toBe(10);
  });

  it('validates fields and ids', async () => {
    const token = ada.accessToken;
    const bad: Array<Record<string, unknown>> = [
      { ...home, country: 'XX' },
      { ...home, country: 'GBR' },
      { ...home, name: '' },
      { ...home, name: 'x'.repeat(101) },
      { ...home, line1: 'a\nb' },
      { ...home, postalCode: '<script>' },
      { ...home, line2: 5 },
      { ...home, userId: randomUUID() },
      { line1: 'no other fields' },
    ];
    for (const body of bad) expectProblem(await h.api.post(path, body, { token }), 400);
    const { body: created } = await h.api.post(path, home, { token });
    for (const body of [{}, { name: null }, { country: 'zz' }, { city: '' }, { id: randomUUID() }]) {
      expectProblem(await h.api.patch(`${path}/${created.id}`, body, { token }), 400);
    }
    expectProblem(await h.api.patch(`${path}/not-a-uuid`, { city: 'X' }, { token }), 400);
    expectProblem(await h.api.delete(`${path}/1' OR '1'='1`, { token }), 400);
    expectProblem(await h.api.get(path), 401);
  });
});
