import type { Metadata } from 'next';
import Link from 'next/link';
import { registerAction } from '../actions/auth';
import { AuthForm } from '../login/auth-form';

export const metadata: Metadata = { title: 'Create an account' };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function RegisterPage({ searchParams }: { searchParams: Search }) {
  const next = (await searchParams).next;
  const target = typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  return (
    <>
      <h1>Create an account</h1>
      <AuthForm action={registerAction} next={target} withName submitLabel="Create account" />
      <p>
        Have an account? <Link href={`/login?next=${encodeURIComponent(target)}`}>Sign in</Link>.
      </p>
    </>
  );
}
