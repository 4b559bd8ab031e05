import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SearchQueryDto } from '../catalog/dto/catalog-query.dto';
import { SearchResultDto } from '../catalog/dto/catalog-response.dto';
import { SearchService } from './search.service';

@ApiTags('catalog')
@Controller('search')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  @Get()
  @ApiOkResponse({ type: SearchResultDto })
  search(@Query() query: SearchQueryDto): Promise<SearchResultDto> {
    return this.searchService.search(query.q, query.limit ?? 20);
  }
}
