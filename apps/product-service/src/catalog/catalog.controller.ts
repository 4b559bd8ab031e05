import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal } from '@ha-shop/auth';
import type { FastifyReply } from 'fastify';
import { slugParam } from '../common/patterns';
import { CACHE_HEADERS, cacheKey, CatalogCache } from './catalog-cache';
import { CatalogService } from './catalog.service';
import { ListProductsQueryDto } from './dto/catalog-query.dto';
import { CategoryListDto, ProductDetailDto, ProductPageDto } from './dto/catalog-response.dto';
import { ProductViewRecorder } from './product-view-recorder';

@ApiTags('catalog')
@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly cache: CatalogCache,
    private readonly views: ProductViewRecorder,
  ) {}

  @Get('products')
  @ApiOkResponse({ type: ProductPageDto, headers: CACHE_HEADERS })
  list(
    @Query() query: ListProductsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductPageDto> {
    const key = cacheKey('products', { ...query });
    return this.cache.serve(reply, key, () => this.catalog.list(query));
  }

  @Get('products/:slug')
  @ApiOkResponse({ type: ProductDetailDto, headers: CACHE_HEADERS })
  async get(
    @Param('slug', slugParam()) slug: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentUser() user?: Principal,
  ): Promise<ProductDetailDto> {
    const product = await this.cache.serve(reply, `product/${slug}`, () => this.catalog.getBySlug(slug));
    // Every view counts, also the ones answered from the cache.
    this.views.record(product, user?.userId);
    return product;
  }

  @Get('categories')
  @ApiOkResponse({ type: CategoryListDto, headers: CACHE_HEADERS })
  categories(@Res({ passthrough: true }) reply: FastifyReply): Promise<CategoryListDto> {
    return this.cache.serve(reply, 'categories', () => this.catalog.categories());
  }
}
