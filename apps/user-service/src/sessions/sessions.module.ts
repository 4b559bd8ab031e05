import { Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PeriodicTask } from '@ha-shop/service-kit';
import { KeysModule } from '../keys/keys.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { SessionsController } from './sessions.controller';
import { RefreshTokenRepository } from './refresh-token.repository';
import { SessionsService } from './sessions.service';

/** Deletes refresh tokens a day after they expired, and families left without tokens. */
@Injectable()
class ExpiredSessionSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly task: PeriodicTask;

  constructor(tokens: RefreshTokenRepository) {
    this.task = new PeriodicTask({
      name: 'session sweep',
      everyMs: 60 * 60_000,
      run: () => tokens.deleteExpired(),
      onError: (err) => this.logger.warn({ err }, 'session sweep failed'),
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
  imports: [UsersModule, KeysModule, RateLimitModule],
  controllers: [SessionsController],
  providers: [SessionsService, RefreshTokenRepository, ExpiredSessionSweeper],
})
export class SessionsModule {}
