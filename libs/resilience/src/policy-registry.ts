import { DependencyPolicy, DependencyStateSnapshot, ResilientDependencyPolicy } from './dependency-policy';
import type { ResilienceMetrics } from './metrics';
import { policyConfigFor } from './policy-config';
import type { ResilienceLogger } from './policy-telemetry';

export interface PolicyRegistryOptions {
  /** Source of RESILIENCE_* overrides; default process.env. */
  env?: Record<string, string | undefined>;
  metrics?: ResilienceMetrics;
  logger?: ResilienceLogger;
  /** Retries, timeouts and bulkhead rejections are logged at most once per this long per dependency and kind; default 1000. */
  logIntervalMs?: number;
}

export type DependencyStates = Record<string, DependencyStateSnapshot>;

/** Anything that holds connections and must be closed with the registry (ServiceClient). */
export interface ClosableClient {
  close(): Promise<void>;
}

/**
 * One per process. A dependency's policies are built on first use and then shared by
 * every request and every client of that dependency: a breaker that each request
 * created anew would never see more than one failure.
 */
export class PolicyRegistry {
  private readonly policies = new Map<string, DependencyPolicy>();
  private readonly clients = new Set<ClosableClient>();

  constructor(private readonly options: PolicyRegistryOptions = {}) {}

  get(dependency: string): DependencyPolicy {
    let policy = this.policies.get(dependency);
    if (!policy) {
      const config = policyConfigFor(dependency, this.options.env ?? process.env);
      policy = new ResilientDependencyPolicy(
        dependency,
        config,
        this.options.metrics,
        this.options.logger,
        this.options.logIntervalMs,
      );
      this.policies.set(dependency, policy);
    }
    return policy;
  }

  /** Breaker state and spare capacity of every dependency used so far (for /health/details and dashboards). */
  states(): DependencyStates {
    const out: DependencyStates = {};
    for (const [name, policy] of this.policies) out[name] = policy.snapshot();
    return out;
  }

  /** Lets clients be closed together with the registry at shutdown. */
  track(client: ClosableClient): void {
    this.clients.add(client);
  }

  untrack(client: ClosableClient): void {
    this.clients.delete(client);
  }

  /** Closes every tracked client (their connection pools); policies need no cleanup. */
  async close(): Promise<void> {
    const clients = [...this.clients];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}
