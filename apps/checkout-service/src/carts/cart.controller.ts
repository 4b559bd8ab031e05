import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal } from '@ha-shop/auth';
import { skuParam } from '@ha-shop/service-kit';
import type { FastifyReply } from 'fastify';
import { CART_TOKEN_HEADER, CartCaller, readCartToken } from './cart-access';
import { CartService } from './cart.service';
import { CartView } from './cart.view';
import { AddItemDto, MergeCartDto, SetQuantityDto } from './dto/cart.dto';

const uuid = new ParseUUIDPipe();

/**
 * Carts of guests (capability: cart id + secret token in X-Cart-Token) and of signed-in
 * customers (bound to the user). A cart the caller may not see is a 404, never a 403.
 */
@ApiTags('carts')
@ApiBearerAuth()
@ApiHeader({
  name: CART_TOKEN_HEADER,
  required: false,
  description: 'Guest carts: the token returned at creation.',
})
@Controller('carts')
export class CartController {
  constructor(private readonly carts: CartService) {}

  @Post()
  @ApiResponse({ status: 201, type: CartView, description: 'New cart (guests also get `token`).' })
  @ApiResponse({
    status: 200,
    type: CartView,
    description: 'The signed-in customer already has an active cart.',
  })
  async create(
    @CurrentUser() principal: Principal | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { view, created } = await this.carts.create({ principal });
    void reply.status(created ? 201 : 200);
    return view;
  }

  /** Moves a guest cart into the signed-in customer's cart. */
  @Post('merge')
  @HttpCode(200)
  @Authenticated()
  @ApiOkResponse({ type: CartView })
  merge(@CurrentUser() principal: Principal, @Body() dto: MergeCartDto): Promise<CartView> {
    return this.carts.merge({ principal }, dto.guestCartId, dto.guestCartToken);
  }

  @Get(':id')
  @ApiOkResponse({ type: CartView })
  get(@Param('id', uuid) id: string, @CurrentUser() principal?: Principal, @Headers() headers?: HeaderMap) {
    return this.carts.get(id, caller(principal, headers));
  }

  @Post(':id/items')
  @HttpCode(200)
  @ApiOkResponse({ type: CartView })
  add(
    @Param('id', uuid) id: string,
    @Body() dto: AddItemDto,
    @CurrentUser() principal?: Principal,
    @Headers() headers?: HeaderMap,
  ): Promise<CartView> {
    return this.carts.addItem(id, caller(principal, headers), dto.sku, dto.quantity);
  }

  @Patch(':id/items/:sku')
  @ApiOkResponse({ type: CartView })
  setQuantity(
    @Param('id', uuid) id: string,
    @Param('sku', skuParam()) sku: string,
    @Body() dto: SetQuantityDto,
    @CurrentUser() principal?: Principal,
    @Headers() headers?: HeaderMap,
  ): Promise<CartView> {
    return this.carts.setQuantity(id, caller(principal, headers), sku, dto.quantity);
  }

  @Delete(':id/items/:sku')
  @ApiOkResponse({ type: CartView })
  remove(
    @Param('id', uuid) id: string,
    @Param('sku', skuParam()) sku: string,
    @CurrentUser() principal?: Principal,
    @Headers() headers?: HeaderMap,
  ): Promise<CartView> {
    return this.carts.removeItem(id, caller(principal, headers), sku);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @Param('id', uuid) id: string,
    @CurrentUser() principal?: Principal,
    @Headers() headers?: HeaderMap,
  ) {
    await this.carts.delete(id, caller(principal, headers));
  }
}

type HeaderMap = Record<string, string | string[] | undefined>;

function caller(principal: Principal | undefined, headers: HeaderMap | undefined): CartCaller {
  return { principal, cartToken: headers ? readCartToken(headers) : undefined };
}
