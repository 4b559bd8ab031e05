import { Injectable } from '@nestjs/common';
import { ProblemException } from '@ha-shop/service-kit';
import { DataSource } from 'typeorm';
import { AddressEntity } from './address.entity';
import { CreateAddressDto, UpdateAddressDto } from './dto/address.dto';

export const MAX_ADDRESSES = 10;

const notFound = () => new ProblemException(404, 'not-found', 'No such address.');

/** A user's saved addresses. Every query is scoped by the owner, so others' ids are simply not found. */
@Injectable()
export class AddressesService {
  constructor(private readonly dataSource: DataSource) {}

  list(userId: string): Promise<AddressEntity[]> {
    return this.dataSource
      .getRepository(AddressEntity)
      .find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  create(userId: string, dto: CreateAddressDto): Promise<AddressEntity> {
    return this.dataSource.transaction(async (manager) => {
      // Locking the owner row serialises concurrent creates, so two requests can't both
      // see 9 addresses and make 11. NO KEY UPDATE still lets FK inserts (sessions) through.
      const owner: unknown[] = await manager.query('SELECT 1 FROM app_user WHERE id = $1 FOR NO KEY UPDATE', [
        userId,
      ]);
      if (owner.length === 0) throw new ProblemException(404, 'not-found', 'This account no longer exists.');
      const count = await manager.getRepository(AddressEntity).countBy({ userId });
      if (count >= MAX_ADDRESSES) {
        throw new ProblemException(
          422,
          'address-limit-reached',
          `An account can keep at most ${MAX_ADDRESSES} addresses; delete one first.`,
          {
            limit: MAX_ADDRESSES,
          },
        );
      }
      const repo = manager.getRepository(AddressEntity);
      return repo.save(repo.create({ ...dto, line2: dto.line2 || null, userId }));
    });
  }

  async update(userId: string, id: string, dto: UpdateAddressDto): Promise<AddressEntity> {
    const patch: Partial<AddressEntity> = {};
    for (const [key, value] of Object.entries(dto) as Array<
      [keyof UpdateAddressDto, string | null | undefined]
    >) {
      if (value !== undefined) Object.assign(patch, { [key]: key === 'line2' ? value || null : value });
    }
    if (Object.keys(patch).length === 0)
      throw new ProblemException(400, 'validation-failed', 'Send at least one field to change.');
    const result = await this.dataSource
      .createQueryBuilder()
      .update(AddressEntity)
      .set({ ...patch, updatedAt: () => 'now()' })
      .where('id = :id AND user_id = :userId', { id, userId })
      .execute();
    if (!result.affected) throw notFound();
    const updated = await this.dataSource.getRepository(AddressEntity).findOneBy({ id, userId });
    if (!updated) throw notFound();
    return updated;
  }

  async remove(userId: string, id: string): Promise<void> {
    const result = await this.dataSource.getRepository(AddressEntity).delete({ id, userId });
    if (!result.affected) throw notFound();
  }
}
