import { Inject, Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ThrottlerModule, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';
import { PeriodicTask } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { UserEnv } from '../config/user.env';
import { PgThrottlerStorage } from './pg-throttler.storage';
import { LOGIN_ACCOUNT, LOGIN_IP, loginAccount, RateLimitGuard, REGISTER_IP } from './rate-limit.guard';

const MINUTE_MS = 60_000;

function limitOf(name: string, perMinute: number, extra: Partial<ThrottlerOptions> = {}): ThrottlerOptions {
  // 0 disables a limit (load tests from one address, say); the throttler wants a positive number anyway.
  const off = perMinute <= 0;
  return {
    name,
    ttl: MINUTE_MS,
    limit: Math.max(1, perMinute),
    ...extra,
    ...(off ? { skipIf: () => true } : {}),
  };
}

/** Drops counters whose window has passed. */
@Injectable()
class RateLimitSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly task: PeriodicTask;

  constructor(@Inject(ThrottlerStorage) storage: PgThrottlerStorage) {
    this.task = new PeriodicTask({
      name: 'rate-limit sweep',
      everyMs: 5 * MINUTE_MS,
      run: () => storage.sweep(),
      onError: (err) => this.logger.warn({ err }, 'rate-limit sweep failed'),
    });
  }

  onModuleInit(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [DataSource, UserEnv],
      useFactory: (dataSource: DataSource, env: UserEnv) => ({
        storage: new PgThrottlerStorage(dataSource),
        setHeaders: false,
        throttlers: [
          limitOf(LOGIN_IP, env.LOGIN_IP_RATE_LIMIT_PER_MINUTE),
          limitOf(LOGIN_ACCOUNT, env.LOGIN_RATE_LIMIT_PER_MINUTE, {
            // Attempts without a usable email fail validation anyway; the per-IP limit covers them.
            skipIf: (context) => loginAccount(context) === undefined,
            getTracker: (_req, context) => loginAccount(context) ?? '',
          }),
          limitOf(REGISTER_IP, env.REGISTER_IP_RATE_LIMIT_PER_MINUTE),
        ],
      }),
    }),
  ],
  providers: [RateLimitGuard, RateLimitSweeper],
  exports: [RateLimitGuard],
})
export class RateLimitModule {}
