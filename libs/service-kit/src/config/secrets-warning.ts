import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BaseEnv } from './env';
import { missingProductionSecrets } from './required-in-production';

/**
 * Outside production a missing secret is allowed (a laptop, a test), but never silently:
 * each one is logged at start, loudly, with what it leaves open.
 */
@Injectable()
export class ProductionSecretsWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('Security');

  constructor(private readonly env: BaseEnv) {}

  onApplicationBootstrap(): void {
    if (this.env.NODE_ENV === 'production') return;
    for (const secret of missingProductionSecrets(this.env)) {
      this.logger.warn(
        `INSECURE: ${secret.name} is not set (${this.env.NODE_ENV} mode): ${secret.why}. ` +
          `With NODE_ENV=production the service refuses to start without it.`,
      );
    }
  }
}
