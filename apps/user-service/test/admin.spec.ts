import { createTestDatabase, expectProblem, sql } from '@ha-shop/testkit';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, runCreateAdmin } from '../src/create-admin';
import { signUp, startUserService, STRONG_PASSWORD, uniqueEmail, UserServiceHandle } from './support';

describe('creating admins', () => {
  let h: UserServiceHandle;
  let ds: DataSource;

  beforeAll(async () => {
    h = await startUserService();
    ds = h.svc.app.get(DataSource);
  });
  afterAll(() => h.svc.shutdown());

  it('creates an admin once and is safe to call again', async () => {
    const email = uniqueEmail('ops');
    const first = await createAdmin(ds, `  ${email.toUpperCase()}`, STRONG_PASSWORD);
    expect(first).toEqual({ id: expect.any(String), email, created: true });
    const again = await createAdmin(ds, email, `${STRONG_PASSWORD}-new`);
    expect(again).toEqual({ id: first.id, email, created: false });

    // The latest password wins; the account has both roles; one user.registered event.
    expectProblem(await h.api.post('/auth/login', { email, password: STRONG_PASSWORD }), 401);
    const login = await h.api.post('/auth/login', { email, password: `${STRONG_PASSWORD}-new` });
    expect(login.status).toBe(200);
    const me = await h.api.get('/users/me', { token: login.body.accessToken });
    expect(me.body.roles).toEqual(['customer', 'admin']);
    const events = await sql(h.db, `SELECT type FROM outbox_event WHERE aggregate_id = $1 ORDER BY seq`, [
      first.id,
    ]);
    expect(events.map((e) => e.type)).toEqual(['user.registered', 'user.logged_in']);
  });

  it('promotes an existing customer', async () => {
    const user = await signUp(h.api);
    expect(await createAdmin(ds, user.email, STRONG_PASSWORD)).toMatchObject({ id: user.id, created: false });
    const [row] = await sql(h.db, 'SELECT roles FROM app_user WHERE id = $1', [user.id]);
    expect(row.roles).toEqual(['customer', 'admin']);
    // The role shows in tokens issued from now on (a refresh re-reads it).
    const refreshed = await h.api.post('/auth/refresh', { refreshToken: user.refreshToken });
    const lookup = await h.api.get(`/admin/users?email=${encodeURIComponent(user.email)}`, {
      token: refreshed.body.accessToken,
    });
    expect(lookup.status).toBe(200);
  });

  it('applies the email and password rules', async () => {
    await expect(createAdmin(ds, 'not-an-email', STRONG_PASSWORD)).rejects.toThrow(/valid email/);
    await expect(createAdmin(ds, uniqueEmail(), 'short')).rejects.toThrow(/12 to 128 characters/);
  });

  it('runs as a command: migrates a fresh database, takes flags or env', async () => {
    const db = await createTestDatabase('cli');
    const email = uniqueEmail('cli');
    const created = await runCreateAdmin(
      ['--email', email, '--password', STRONG_PASSWORD, '--name', 'Root'],
      { DATABASE_URL: db },
    );
    expect(created).toMatchObject({ email, created: true });
    const updated = await runCreateAdmin([], {
      DATABASE_URL: db,
      ADMIN_EMAIL: email,
      ADMIN_PASSWORD: `${STRONG_PASSWORD}!`,
    });
    expect(updated).toMatchObject({ id: created.id, created: false });
    const [row] = await sql(db, 'SELECT name, roles FROM app_user WHERE id = $1', [created.id]);
    expect(row).toEqual({ name: 'Root', roles: ['customer', 'admin'] });
    await expect(runCreateAdmin(['--email', email], { DATABASE_URL: db })).rejects.toThrow(/usage/);
    await expect(runCreateAdmin(['--bogus', 'x'], { DATABASE_URL: db })).rejects.toThrow();
    await expect(runCreateAdmin(['--email', email, '--password', STRONG_PASSWORD], {})).rejects.toThrow(
      /DATABASE_URL/,
    );
  });
});
