import { Body, Controller, DynamicModule, Get, Logger, Module, Param, Post } from '@nestjs/common';
import { BaseEnv, ServiceCoreModule } from '@ha-shop/service-kit';
import { testEnv } from '@ha-shop/testkit';
import { IsOptional, IsString } from 'class-validator';

class EchoDto {
  @IsString()
  name: string;

  @IsOptional()
  @IsString()
  password?: string;
}

@Controller('things')
class ThingsController {
  private readonly logger = new Logger('Things');

  @Get(':id')
  get(@Param('id') id: string) {
    this.logger.log(`looking up thing ${id}`);
    return { id };
  }

  @Post()
  create(@Body() body: EchoDto) {
    return { name: body.name };
  }

  @Get(':id/fail')
  fail() {
    throw new Error('boom');
  }
}

/**
 * A minimal service built like the real ones (ServiceCoreModule first), without a database:
 * what the observability wiring does must not depend on any particular app.
 */
@Module({})
export class TinyServiceModule {
  static forRoot(name: string, env: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: TinyServiceModule,
      imports: [
        ServiceCoreModule.forRoot({
          name,
          envClass: BaseEnv,
          env: testEnv({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', ...env }),
        }),
      ],
      controllers: [ThingsController],
    };
  }
}
