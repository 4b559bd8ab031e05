import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductEnv } from '../config/product.env';
import { SearchResultDto } from '../catalog/dto/catalog-response.dto';
import { PRODUCT_COLUMNS, ProductRow, toSummaries } from '../catalog/product-views';

@Injectable()
export class SearchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly env: ProductEnv,
  ) {}

  /**
   * Full-text matches (weighted name A / description B / category C) come first by
   * ts_rank; trigram word similarity on the name then adds near-misses, so a typo like
   * "hedphones" still finds "headphones". An exact name match always ranks first.
   */
  async search(q: string, limit: number): Promise<SearchResultDto> {
    return this.dataSource.transaction(async (m) => {
      // `<%` uses this threshold and can use the trigram GIN index; SET LOCAL ends with the transaction.
      await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [
        String(this.env.SEARCH_SIMILARITY_THRESHOLD),
      ]);
      const rows: ProductRow[] = await m.query(
        `WITH query AS (SELECT websearch_to_tsquery('english', $1) AS tsq)
         SELECT ${PRODUCT_COLUMNS}
           FROM query, product p JOIN category c ON c.id = p.category_id
          WHERE p.status = 'active' AND (p.search_vector @@ query.tsq OR $1 <% p.name)
          ORDER BY lower(p.name) = lower($1) DESC,
                   p.search_vector @@ query.tsq DESC,
                   ts_rank(p.search_vector, query.tsq) DESC,
                   word_similarity($1, p.name) DESC,
                   p.id
          LIMIT $2`,
        [q, limit],
      );
      return { items: await toSummaries(m, rows) };
    });
  }
}
