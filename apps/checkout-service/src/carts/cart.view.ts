import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CartItemRow, CartRow, CartStatus } from './cart.repository';

export class CartLineView {
  @ApiProperty() sku: string;
  @ApiProperty() name: string;
  @ApiProperty({ minimum: 1, maximum: 10 }) quantity: number;
  @ApiProperty({ description: 'Integer minor units.' }) unitPrice: number;
  @ApiProperty({ description: 'unitPrice × quantity, minor units.' }) lineTotal: number;
  @ApiProperty() currency: string;
  @ApiProperty({ description: 'False when the product is no longer on sale; checkout refuses such a cart.' })
  available: boolean;
}

export class CartView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId: string | null;
  @ApiProperty({ enum: ['active', 'checked_out', 'merged', 'deleted'] }) status: CartStatus;
  @ApiProperty({ type: [CartLineView] }) items: CartLineView[];
  @ApiProperty() itemCount: number;
  @ApiProperty({ description: 'Sum of line totals, minor units.' }) subtotal: number;
  @ApiProperty({ nullable: true, type: String }) currency: string | null;
  @ApiProperty({
    description: 'True when product-service could not be reached and prices are the last known ones.',
  })
  pricesStale: boolean;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({
    description: 'Guest carts only, and only in the response that created the cart: send it as X-Cart-Token.',
  })
  token?: string;
}

export function toCartView(cart: CartRow, items: CartItemRow[], pricesStale: boolean): CartView {
  const lines = items.map((i) => ({
    sku: i.sku,
    name: i.name,
    quantity: i.quantity,
    unitPrice: i.unitPrice,
    lineTotal: i.unitPrice * i.quantity,
    currency: i.currency,
    available: i.available,
  }));
  return {
    id: cart.id,
    userId: cart.userId,
    status: cart.status,
    items: lines,
    itemCount: lines.reduce((n, l) => n + l.quantity, 0),
    subtotal: lines.reduce((n, l) => n + l.lineTotal, 0),
    currency: lines[0]?.currency ?? null,
    pricesStale,
    version: cart.version,
    createdAt: cart.createdAt.toISOString(),
    updatedAt: cart.updatedAt.toISOString(),
  };
}
