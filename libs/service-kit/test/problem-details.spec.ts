import { Body, Controller, Get, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, bootService, expectProblem, testEnv } from '@ha-shop/testkit';
import { BaseEnv, ProblemException, RunningService } from '../src';
import { HealthModule } from '../src/health/health.module';
import { ServiceConfigModule } from '../src/config/service-config.module';
import { ServiceLoggerModule } from '../src/logging/logger.module';

class ItemDto {
  @IsString()
  @MaxLength(20)
  name: string;

  @IsInt()
  @Min(1)
  @Max(10)
  quantity: number;
}

@Controller('items')
class ItemsController {
  @Post()
  create(@Body() dto: ItemDto) {
    return { ok: true, ...dto };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    if (id === 'gone') throw new NotFoundException('No such item.');
    if (id === 'conflict')
      throw new ProblemException(409, 'item-locked', 'The item is locked.', { itemId: id });
    if (id === 'boom') throw new Error('secret internals');
    return { id };
  }
}

@Module({
  imports: [
    ServiceConfigModule.forRoot(BaseEnv, testEnv({ DATABASE_URL: 'postgres://x@127.0.0.1:1/none' })),
    ServiceLoggerModule.forRoot('kit-test', 'silent'),
    HealthModule.forRoot(),
  ],
  controllers: [ItemsController],
})
class TestModule {}

describe('service kit edge behaviour', () => {
  let service: RunningService;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    service = await bootService(TestModule, 'kit-test');
    api = apiClient(service.url);
  });
  afterAll(() => service.shutdown());

  it('accepts a valid DTO', async () => {
    const res = await api.post('/items', { name: 'mug', quantity: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ok: true, name: 'mug', quantity: 2 });
  });

  it('rejects unknown fields with a field list', async () => {
    const body = expectProblem(await api.post('/items', { name: 'mug', quantity: 2, admin: true }), 400);
    expect(body.errors).toEqual([expect.objectContaining({ field: 'admin' })]);
  });

  it('rejects out-of-range and wrongly typed values', async () => {
    const body = expectProblem(await api.post('/items', { name: 'x'.repeat(21), quantity: '2' }), 400);
    const fields = [...new Set((body.errors as Array<{ field: string }>).map((e) => e.field))].sort();
    expect(fields).toEqual(['name', 'quantity']);
  });

  it('answers malformed JSON, wrong media type and oversized bodies with 4xx problems', async () => {
    expectProblem(await api.request('POST', '/items', { rawBody: '{"name": ' }), 400);
    expectProblem(
      await api.request('POST', '/items', { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }),
      415,
    );
    expectProblem(
      await api.request('POST', '/items', { rawBody: JSON.stringify({ name: 'a'.repeat(300_000) }) }),
      413,
    );
  });

  it('maps unknown routes, not-found and custom problems', async () => {
    expectProblem(await api.get('/nope'), 404);
    const nf = expectProblem(await api.get('/items/gone'), 404);
    expect(nf.detail).toBe('No such item.');
    const conflict = expectProblem(await api.get('/items/conflict'), 409);
    expect(conflict.type).toBe('https://ha-shop.dev/problems/item-locked');
    expect(conflict.itemId).toBe('conflict');
  });

  it('hides internals of unexpected errors', async () => {
    const body = expectProblem(await api.get('/items/boom'), 500);
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });

  it('serves liveness, and OpenAPI at /docs', async () => {
    expect((await api.get('/health/live')).status).toBe(200);
    const doc = await api.get('/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain('/items');
  });
});
