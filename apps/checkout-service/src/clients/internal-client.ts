import { PolicyRegistry, ServiceClient } from '@ha-shop/resilience';
import { CheckoutEnv } from '../config/checkout.env';

/**
 * A client for another service's internal routes: the dependency's named policy and the shared
 * internal token, which product- and payment-service require on every route checkout calls.
 */
export function internalServiceClient(
  dependency: string,
  baseUrl: string,
  env: CheckoutEnv,
  registry: PolicyRegistry,
): ServiceClient {
  return new ServiceClient({ dependency, baseUrl, registry, internalToken: env.INTERNAL_TOKEN });
}
