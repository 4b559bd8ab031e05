'use server';

import { redirect } from 'next/navigation';
import { registerAccount, signIn } from '@/lib/auth-service';
import { accounts } from '@/lib/bff/shop';
import { endSession, refreshToken } from '@/lib/session';

export interface AuthState {
  error?: string;
  email?: string;
  name?: string;
}

/** Only local paths: `next` must not send the customer to another site. */
function safeNext(raw: FormDataEntryValue | null): string {
  const next = typeof raw === 'string' ? raw : '';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export async function loginAction(_prev: AuthState, form: FormData): Promise<AuthState> {
  const email = String(form.get('email') ?? '').trim();
  const error = await signIn(email, String(form.get('password') ?? ''));
  if (error) return { error, email };
  redirect(safeNext(form.get('next')));
}

export async function registerAction(_prev: AuthState, form: FormData): Promise<AuthState> {
  const email = String(form.get('email') ?? '').trim();
  const name = String(form.get('name') ?? '').trim();
  const error = await registerAccount(email, String(form.get('password') ?? ''), name);
  if (error) return { error, email, name };
  redirect(safeNext(form.get('next')));
}

export async function logout(): Promise<void> {
  const refresh = await refreshToken();
  if (refresh) await accounts.logout(refresh);
  await endSession();
  redirect('/');
}
