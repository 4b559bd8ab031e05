import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';
import { NormaliseEmail } from '../../common/validation';
import { PASSWORD_MAX_LENGTH } from '../../users/password-policy';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @NormaliseEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

// 32 random bytes, base64url without padding.
const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class RefreshTokenDto {
  @ApiProperty({ description: 'The opaque refresh token returned by login or the previous refresh.' })
  @IsString()
  @Matches(REFRESH_TOKEN_PATTERN, {
    message: 'refreshToken must be a refresh token as returned by /auth/login',
  })
  refreshToken: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'ES256 JWT; send as `Authorization: Bearer <token>`.' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, single use: each refresh returns a new one.' })
  refreshToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Access token lifetime in seconds.', example: 900 })
  expiresIn: number;
}
