import { Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeysModule } from '../keys/keys.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Deletes refresh tokens a day after they expired, and families left without tokens. */
@Injectable()
class ExpiredSessionSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private timer?: NodeJS.Timeout;
  constructor(private readonly dataSource: DataSource) {}

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

  async sweep(): Promise<void> {
    await this.dataSource.query(`DELETE FROM refresh_token WHERE expires_at < now() - interval '1 day'`);
    await this.dataSource.query(
      `DELETE FROM refresh_token_family f WHERE created_at < now() - interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM refresh_token t WHERE t.family_id = f.id)`,
    );
  }
}

@Module({
  imports: [UsersModule, KeysModule, RateLimitModule],
  controllers: [SessionsController],
  providers: [SessionsService, ExpiredSessionSweeper],
})
export class SessionsModule {}
