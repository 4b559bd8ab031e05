import { NextResponse } from 'next/server';
import { architectureSource } from '@/lib/architecture/source';
import { viewer } from '@/lib/session';

export const dynamic = 'force-dynamic';

/** The dashboard's live feed (polled by the page): admins only, never cached. */
export async function GET() {
  const me = await viewer();
  if (!me?.roles.includes('admin')) return NextResponse.json({ error: 'admins only' }, { status: 403 });
  try {
    return NextResponse.json(await architectureSource().snapshot(me.token), {
      headers: { 'cache-control': 'no-store' },
    });
  } catch (err) {
    return NextResponse.json({ error: (err as Error).message }, { status: 503 });
  }
}
