import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../common/validation';

export class FindUserQuery {
  @ApiProperty({ example: 'ada@example.com' })
  @NormaliseEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;
}
