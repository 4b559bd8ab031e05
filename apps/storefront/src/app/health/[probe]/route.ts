import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

const PROBES = new Set(['startup', 'live', 'ready']);

/**
 * Kubelet probes (/health/startup, /live, /ready), same paths as the services'. The
 * storefront answers as long as its server runs: a backend outage is shown on the pages
 * (last good catalog, "try again"), so it must not take the storefront out of rotation.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ probe: string }> }) {
  const { probe } = await params;
  if (PROBES.has(probe))
    return NextResponse.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
  return NextResponse.json(
    { type: 'about:blank', title: 'Not Found', status: 404, detail: `no probe "${probe}"` },
    { status: 404, headers: { 'content-type': 'application/problem+json' } },
  );
}
