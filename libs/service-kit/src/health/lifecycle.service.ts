import { Injectable } from '@nestjs/common';

/**
 * Process-wide readiness state. Readiness drops before anything closes during
 * shutdown, so load balancers stop sending traffic while in-flight work finishes.
 */
@Injectable()
export class LifecycleService {
  private started = false;
  private draining = false;

  markStarted(): void {
    this.started = true;
  }

  beginDrain(): void {
    this.draining = true;
  }

  get isStarted(): boolean {
    return this.started;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
