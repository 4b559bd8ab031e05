import type { Metadata } from 'next';
import Link from 'next/link';
import { loginAction } from '../actions/auth';
import { AuthForm } from './auth-form';

export const metadata: Metadata = { title: 'Sign in' };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const next = (await searchParams).next;
  const target = typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  return (
    <>
      <h1>Sign in</h1>
      <AuthForm action={loginAction} next={target} withName={false} submitLabel="Sign in" />
      <p>
        New here? <Link href={`/register?next=${encodeURIComponent(target)}`}>Create an account</Link>.
      </p>
    </>
  );
}
