'use server';

import { runChaos } from '@/lib/architecture/source';
import { viewer } from '@/lib/session';

export interface ChaosState {
  message?: string;
  error?: boolean;
}

const SERVICE = /^[a-z0-9-]{1,40}$/;
const ACTIONS = new Set(['kill', 'freeze', 'latency', 'errors', 'postgres-stop', 'heal']);

/** The runner's chaos actions for admins (a server action: Next's Origin check guards it against CSRF). */
export async function chaosAction(_prev: ChaosState, form: FormData): Promise<ChaosState> {
  const me = await viewer();
  if (!me?.roles.includes('admin')) return { message: 'Admins only.', error: true };
  const action = String(form.get('action') ?? '');
  const service = String(form.get('service') ?? '');
  if (!ACTIONS.has(action) || (action !== 'heal' && action !== 'postgres-stop' && !SERVICE.test(service)))
    return { message: 'Unknown chaos action.', error: true };
  try {
    const message = await (action === 'kill'
      ? runChaos('kill', { service })
      : action === 'freeze'
        ? runChaos('freeze', { service, seconds: 5 })
        : action === 'latency'
          ? runChaos('faults', { service, latencyMs: 300 })
          : action === 'errors'
            ? runChaos('faults', { service, errorRate: 0.2 })
            : action === 'postgres-stop'
              ? runChaos('postgres-stop', { seconds: 5 })
              : runChaos('heal', {}));
    return { message };
  } catch (err) {
    return { message: `Chaos action failed: ${(err as Error).message}`, error: true };
  }
}
