import { Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Authenticated, CurrentUser, Principal } from '@ha-shop/auth';
import { CART_TOKEN_HEADER, readCartToken } from '../carts/cart-access';
import { AdminOrderPageQueryDto, OrderPageQueryDto } from './dto/order-query.dto';
import { OrderService } from './order.service';
import { OrderPageView, OrderView } from './order.view';

const uuid = new ParseUUIDPipe();

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrderController {
  constructor(private readonly orders: OrderService) {}

  /** The caller's own orders, newest first. */
  @Get()
  @Authenticated()
  @ApiOkResponse({ type: OrderPageView })
  list(@CurrentUser() principal: Principal, @Query() query: OrderPageQueryDto): Promise<OrderPageView> {
    return this.orders.page({ userId: principal.userId }, query.cursor, query.limit);
  }

  @Get(':id')
  @ApiHeader({
    name: CART_TOKEN_HEADER,
    required: false,
    description: 'Guest orders: the token of the cart it was placed from.',
  })
  @ApiOkResponse({ type: OrderView })
  get(
    @Param('id', uuid) id: string,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @CurrentUser() principal?: Principal,
  ): Promise<OrderView> {
    return this.orders.get(id, principal, readCartToken(headers));
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/orders')
export class AdminOrderController {
  constructor(private readonly orders: OrderService) {}

  @Get()
  @ApiOkResponse({ type: OrderPageView })
  list(@Query() query: AdminOrderPageQueryDto): Promise<OrderPageView> {
    return this.orders.page({ status: query.status }, query.cursor, query.limit);
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderView })
  fulfil(@Param('id', uuid) id: string): Promise<OrderView> {
    return this.orders.fulfil(id);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderView })
  refund(@Param('id', uuid) id: string): Promise<OrderView> {
    return this.orders.refund(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderView })
  cancel(@Param('id', uuid) id: string): Promise<OrderView> {
    return this.orders.cancel(id);
  }
}
