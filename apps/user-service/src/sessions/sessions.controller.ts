import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { SkipAccessToken } from '@ha-shop/auth';
import { RateLimitGuard, REGISTER_IP } from '../rate-limit/rate-limit.guard';
import { LoginDto, RefreshTokenDto, TokenPairDto } from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
// A client refreshes because its access token expired; that token must not be in the way.
@SkipAccessToken()
@Controller('auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @UseGuards(RateLimitGuard)
  @SkipThrottle({ [REGISTER_IP]: true })
  @ApiOperation({ summary: 'Sign in; rate limited per client IP and per account.' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts; see Retry-After.' })
  login(@Body() dto: LoginDto): Promise<TokenPairDto> {
    return this.sessions.login(dto.email, dto.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old refresh token is spent).' })
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPairDto> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session the refresh token belongs to (idempotent).' })
  @ApiNoContentResponse()
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.sessions.logout(dto.refreshToken);
  }
}
