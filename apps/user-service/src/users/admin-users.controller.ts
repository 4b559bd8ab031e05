import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@ha-shop/auth';
import { FindUserQuery } from './dto/find-user.query';
import { UserProfileDto } from './dto/user-profile.dto';
import { UsersService } from './users.service';

/** Support staff look-ups. There is deliberately no route that grants roles. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Find an account by email (admin only).' })
  @ApiOkResponse({ type: UserProfileDto })
  async find(@Query() query: FindUserQuery): Promise<UserProfileDto> {
    return UserProfileDto.from(await this.users.findByEmail(query.email));
  }
}
