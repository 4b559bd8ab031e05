import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal } from '@ha-shop/auth';
import { slugParam } from '../common/patterns';
import { CatalogService } from './catalog.service';
import { ListProductsQueryDto } from './dto/catalog-query.dto';
import { CategoryListDto, ProductDetailDto, ProductPageDto } from './dto/catalog-response.dto';
import { ProductViewRecorder } from './product-view-recorder';

@ApiTags('catalog')
@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly views: ProductViewRecorder,
  ) {}

  @Get('products')
  @ApiOkResponse({ type: ProductPageDto })
  list(@Query() query: ListProductsQueryDto): Promise<ProductPageDto> {
    return this.catalog.list(query);
  }

  @Get('products/:slug')
  @ApiOkResponse({ type: ProductDetailDto })
  async get(
    @Param('slug', slugParam()) slug: string,
    @CurrentUser() user?: Principal,
  ): Promise<ProductDetailDto> {
    const product = await this.catalog.getBySlug(slug);
    this.views.record(product, user?.userId);
    return product;
  }

  @Get('categories')
  @ApiOkResponse({ type: CategoryListDto })
  categories(): Promise<CategoryListDto> {
    return this.catalog.categories();
  }
}
