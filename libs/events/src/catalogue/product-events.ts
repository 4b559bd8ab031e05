import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { Count, Currency, Id, Minor, Nullable } from './payload-rules';

// Product-service's events: the catalogue, stock levels and reservations.

export class ProductVariantPayload {
  @Id() sku: string;
  @Minor() price: number;
  @Currency() currency: string;
  @Count() stock: number;
}

export class ProductCreatedPayload {
  @Id() productId: string;
  @Id() slug: string;
  @IsString() name: string;
  @Id() categorySlug: string;
  @IsIn(['draft', 'active', 'archived']) status: 'draft' | 'active' | 'archived';
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProductVariantPayload)
  variants: ProductVariantPayload[];
}

/** A variant as the update asked for it: only the fields it changes. */
export class VariantChangePayload {
  @Id() sku: string;
  @IsOptional() @IsObject() options?: Record<string, string>;
  @IsOptional() @Minor() price?: number;
  @IsOptional() @Currency() currency?: string;
}

export class ProductUpdatedPayload {
  @Id() productId: string;
  @Id() slug: string;
  /** Names of the request fields that were set. */
  @IsArray() @IsString({ each: true }) changed: string[];
  @IsArray() @IsString({ each: true }) addedSkus: string[];
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => VariantChangePayload)
  variants: VariantChangePayload[];
}

export class ProductViewedPayload {
  @Id() productId: string;
  @Id() slug: string;
  @Nullable() @Id() userId: string | null;
}

export class StockAdjustedPayload {
  @Id() sku: string;
  @IsInt() delta: number;
  @Count() previous: number;
  @Count() available: number;
}

export class ReservationItemPayload {
  @Id() sku: string;
  @IsInt() @Min(1) quantity: number;
}

class ReservationPayload {
  @Id() reservationKey: string;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReservationItemPayload)
  items: ReservationItemPayload[];
}

export class InventoryReservedPayload extends ReservationPayload {
  @IsISO8601() expiresAt: string;
}

export class InventoryCommittedPayload extends ReservationPayload {
  /** Committed after the reservation had expired, taking the stock again. */
  @IsBoolean() afterExpiry: boolean;
}

export class InventoryReleasedPayload extends ReservationPayload {
  @IsIn(['released', 'expired']) reason: 'released' | 'expired';
}
