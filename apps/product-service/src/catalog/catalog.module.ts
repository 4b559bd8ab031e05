import { Module } from '@nestjs/common';
import { SearchController } from '../search/search.controller';
import { SearchService } from '../search/search.service';
import { CatalogCache, InvalidateCatalogCache } from './catalog-cache';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ProductViewRecorder } from './product-view-recorder';

/** Public, anonymous reads: listing, detail, categories and search, through one bounded cache per replica. */
@Module({
  controllers: [CatalogController, SearchController],
  providers: [CatalogService, SearchService, ProductViewRecorder, CatalogCache, InvalidateCatalogCache],
  exports: [CatalogCache, InvalidateCatalogCache],
})
export class CatalogModule {}
