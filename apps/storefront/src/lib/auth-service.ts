import { isUnavailable, problemDetail } from './bff/api-client';
import { accounts, carts } from './bff/shop';
import { cartRef, rememberCart, startSession } from './session';

/** Signs in and moves the guest cart (if any) into the customer's cart. */
export async function signIn(email: string, password: string): Promise<string | undefined> {
  const res = await accounts.login(email, password);
  if (isUnavailable(res)) return 'Signing in is unavailable right now. Please try again in a moment.';
  if (res.status === 429) return 'Too many attempts. Please wait a minute and try again.';
  if (!res.ok) return 'Email or password is not correct.';
  await startSession(res.body.accessToken, res.body.refreshToken, res.body.expiresIn);
  const guest = await cartRef();
  if (guest?.token) {
    const merged = await carts.merge(guest, res.body.accessToken);
    if (merged.ok) await rememberCart({ id: merged.body.id });
  } else if (guest) {
    // Someone else's customer cart on this browser: not ours to keep.
    await rememberCart(null);
  }
  return undefined;
}

export async function registerAccount(
  email: string,
  password: string,
  name: string,
): Promise<string | undefined> {
  const res = await accounts.register(email, password, name);
  if (isUnavailable(res)) return 'Registration is unavailable right now. Please try again in a moment.';
  if (res.status === 409) return 'An account with this email exists already. Sign in instead.';
  if (!res.ok) return problemDetail(res.body, 'Please check the details.');
  return signIn(email, password);
}
