import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CACHE_HEADERS, cacheKey, CatalogCache } from '../catalog/catalog-cache';
import { SearchQueryDto } from '../catalog/dto/catalog-query.dto';
import { SearchResultDto } from '../catalog/dto/catalog-response.dto';
import { SearchService } from './search.service';

@ApiTags('catalog')
@Controller('search')
export class SearchController {
  constructor(
    private readonly searchService: SearchService,
    private readonly cache: CatalogCache,
  ) {}

  @Get()
  @ApiOkResponse({ type: SearchResultDto, headers: CACHE_HEADERS })
  search(
    @Query() query: SearchQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SearchResultDto> {
    const limit = query.limit ?? 20;
    // Full-text and trigram matching ignore case, so "Mug" and "mug" share an entry.
    const key = cacheKey('search', { q: query.q, limit }, ['q']);
    return this.cache.serve(reply, key, () => this.searchService.search(query.q, limit));
  }
}
