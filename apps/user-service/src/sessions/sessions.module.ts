import { Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
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
  private timer?: NodeJS.Timeout;
  constructor(private readonly tokens: RefreshTokenRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) =>
        this.logger.warn(`session sweep failed: ${(err as Error).message}`),
      );
    }, 60 * 60_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  sweep(): Promise<void> {
    return this.tokens.deleteExpired();
  }
}

@Module({
  imports: [UsersModule, KeysModule, RateLimitModule],
  controllers: [SessionsController],
  providers: [SessionsService, RefreshTokenRepository, ExpiredSessionSweeper],
})
export class SessionsModule {}
