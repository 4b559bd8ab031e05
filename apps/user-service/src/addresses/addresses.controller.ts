import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal } from '@ha-shop/auth';
import { AddressesService } from './addresses.service';
import { AddressDto, AddressListDto, CreateAddressDto, UpdateAddressDto } from './dto/address.dto';

const IdParam = () => Param('id', new ParseUUIDPipe());

@ApiTags('addresses')
@ApiBearerAuth()
@Authenticated()
@Controller('users/me/addresses')
export class AddressesController {
  constructor(private readonly addresses: AddressesService) {}

  @Get()
  @ApiOkResponse({ type: AddressListDto })
  async list(@CurrentUser() user: Principal): Promise<AddressListDto> {
    return { items: (await this.addresses.list(user.userId)).map((a) => AddressDto.from(a)) };
  }

  @Post()
  @ApiCreatedResponse({ type: AddressDto })
  async create(@CurrentUser() user: Principal, @Body() dto: CreateAddressDto): Promise<AddressDto> {
    return AddressDto.from(await this.addresses.create(user.userId, dto));
  }

  @Patch(':id')
  @ApiOkResponse({ type: AddressDto })
  async update(
    @CurrentUser() user: Principal,
    @IdParam() id: string,
    @Body() dto: UpdateAddressDto,
  ): Promise<AddressDto> {
    return AddressDto.from(await this.addresses.update(user.userId, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@CurrentUser() user: Principal, @IdParam() id: string): Promise<void> {
    await this.addresses.remove(user.userId, id);
  }
}
