import { CanActivate, Injectable } from '@nestjs/common';
import { ProviderFaults } from './provider-faults.service';

/**
 * Simulated provider outage. A guard, so it runs after authentication and before the body is
 * even validated: an outage touches no payment and no idempotency key.
 */
@Injectable()
export class ProviderAvailabilityGuard implements CanActivate {
  constructor(private readonly faults: ProviderFaults) {}

  canActivate(): boolean {
    this.faults.checkAvailable();
    return true;
  }
}
