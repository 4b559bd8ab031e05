import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@ha-shop/auth';
import { UserEntity } from '../user.entity';

export class UserProfileDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: Role[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(user: Pick<UserEntity, 'id' | 'email' | 'name' | 'roles' | 'createdAt'>): UserProfileDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
      createdAt: new Date(user.createdAt).toISOString(),
    };
  }
}
