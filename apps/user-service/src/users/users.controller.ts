import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Authenticated, CurrentUser, SkipAccessToken, type Principal } from '@ha-shop/auth';
import { LOGIN_ACCOUNT, LOGIN_IP, RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RegisterDto } from './dto/register.dto';
import { UserProfileDto } from './dto/user-profile.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @SkipAccessToken()
  @UseGuards(RateLimitGuard)
  @SkipThrottle({ [LOGIN_IP]: true, [LOGIN_ACCOUNT]: true })
  @ApiOperation({ summary: 'Register a customer account.' })
  @ApiCreatedResponse({ type: UserProfileDto })
  async register(@Body() dto: RegisterDto): Promise<UserProfileDto> {
    return UserProfileDto.from(await this.users.register(dto.email, dto.password, dto.name));
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserProfileDto })
  async me(@CurrentUser() user: Principal): Promise<UserProfileDto> {
    return UserProfileDto.from(await this.users.profile(user.userId));
  }
}
