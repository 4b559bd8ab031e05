import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@ha-shop/auth';
import { skuParam } from '@ha-shop/service-kit';
import { InvalidateCatalogCache } from '../catalog/catalog-cache';
import { StockService } from '../inventory/stock.service';
import { AdminProductsService } from './admin-products.service';
import { AdjustStockDto, CreateCategoryDto, CreateProductDto, UpdateProductDto } from './dto/admin-input.dto';
import { AdminCategoryDto, AdminProductDto, StockLevelDto } from './dto/admin-response.dto';

const uuidPipe = new ParseUUIDPipe();

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@UseInterceptors(InvalidateCatalogCache)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly products: AdminProductsService,
    private readonly stock: StockService,
  ) {}

  @Post('categories')
  @ApiCreatedResponse({ type: AdminCategoryDto })
  createCategory(@Body() dto: CreateCategoryDto): Promise<AdminCategoryDto> {
    return this.products.createCategory(dto);
  }

  @Post('products')
  @ApiCreatedResponse({ type: AdminProductDto })
  createProduct(@Body() dto: CreateProductDto): Promise<AdminProductDto> {
    return this.products.createProduct(dto);
  }

  @Get('products/:id')
  @ApiOkResponse({ type: AdminProductDto })
  getProduct(@Param('id', uuidPipe) id: string): Promise<AdminProductDto> {
    return this.products.get(id);
  }

  @Patch('products/:id')
  @ApiOkResponse({ type: AdminProductDto })
  updateProduct(@Param('id', uuidPipe) id: string, @Body() dto: UpdateProductDto): Promise<AdminProductDto> {
    return this.products.updateProduct(id, dto);
  }

  @Get('variants/:sku/stock')
  @ApiOkResponse({ type: StockLevelDto })
  getStock(@Param('sku', skuParam()) sku: string): Promise<StockLevelDto> {
    return this.stock.get(sku);
  }

  @Post('variants/:sku/stock')
  @HttpCode(200)
  @ApiOkResponse({ type: StockLevelDto })
  adjustStock(@Param('sku', skuParam()) sku: string, @Body() dto: AdjustStockDto): Promise<StockLevelDto> {
    return this.stock.adjust(sku, dto);
  }
}
