import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { architectureSource } from '@/lib/architecture/source';
import type { ArchitectureSnapshot } from '@/lib/architecture/snapshot';
import { viewer } from '@/lib/session';
import { ArchitectureLive } from './architecture-live';

export const metadata: Metadata = { title: 'Architecture' };

export default async function ArchitecturePage() {
  const me = await viewer();
  if (!me) redirect('/login?next=/architecture');
  if (!me.roles.includes('admin')) {
    return (
      <>
        <h1>Architecture</h1>
        <p className="notice error" role="alert">
          This page is for administrators.
        </p>
      </>
    );
  }
  let initial: ArchitectureSnapshot | null = null;
  let error: string | null = null;
  try {
    initial = await architectureSource().snapshot(me.token);
  } catch (err) {
    error = (err as Error).message;
  }
  return (
    <>
      <h1>Architecture</h1>
      <ArchitectureLive initial={initial} initialError={error} />
    </>
  );
}
