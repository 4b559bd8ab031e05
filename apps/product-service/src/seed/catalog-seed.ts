import { DataSource } from 'typeorm';
import { ADJECTIVES, BRANDS, CATEGORIES, CategorySpec } from './catalog-data';

export interface SeedOptions {
  /** How many products (default 300). */
  products?: number;
  /** Same seed, same catalog: tests rely on this. */
  seed?: number;
}

export interface SeedVariant {
  sku: string;
  options: Record<string, string>;
  price: number;
  currency: string;
  stock: number;
  position: number;
}

export interface SeedProduct {
  slug: string;
  name: string;
  description: string;
  category: string;
  images: string[];
  createdAt: string;
  variants: SeedVariant[];
}

export interface SeedResult {
  categories: number;
  products: number;
  variants: number;
}

const CURRENCY = 'EUR';
const EPOCH = Date.parse('2025-01-01T00:00:00.000Z');

/** mulberry32: tiny, fast, and good enough for reproducible demo data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function optionCombos(axes: Record<string, string[]>): Array<Record<string, string>> {
  return Object.entries(axes).reduce<Array<Record<string, string>>>(
    (acc, [axis, values]) => acc.flatMap((combo) => values.map((v) => ({ ...combo, [axis]: v }))),
    [{}],
  );
}

/** The demo catalog as data, without touching a database. Deterministic in `seed`. */
export function generateCatalog(options: SeedOptions = {}): {
  categories: CategorySpec[];
  products: SeedProduct[];
} {
  const count = options.products ?? 300;
  const random = prng(options.seed ?? 1);
  const names = new Map<string, string[]>();
  for (const c of CATEGORIES) {
    const combos = BRANDS.flatMap((b) => ADJECTIVES.flatMap((a) => c.nouns.map((n) => `${b} ${a} ${n}`)));
    names.set(c.slug, shuffle(combos, random));
  }
  const products: SeedProduct[] = [];
  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[i % CATEGORIES.length];
    const pool = names.get(category.slug)!;
    const k = Math.floor(i / CATEGORIES.length);
    // Past the word-list combinations, names repeat with a generation number so slugs stay unique.
    const name = pool[k % pool.length] + (k >= pool.length ? ` ${Math.floor(k / pool.length) + 1}` : '');
    const noun = category.nouns.find((n) => name.includes(n)) ?? category.nouns[0];
    const features = shuffle(category.features, random).slice(0, 2);
    const slug = slugify(name);
    const [min, max] = category.price;
    const base = Math.round((min + random() * (max - min)) / 100) * 100 - 1;
    const combos = shuffle(optionCombos(category.axes), random).slice(0, 1 + Math.floor(random() * 4));
    products.push({
      slug,
      name,
      description: `The ${name.toLowerCase()} is a ${category.name.toLowerCase()} favourite: a ${noun.toLowerCase()} with ${features[0]} and ${features[1]}.`,
      category: category.slug,
      images: Array.from(
        { length: 1 + Math.floor(random() * 3) },
        (_, n) => `https://images.ha-shop.dev/products/${slug}/${n + 1}.jpg`,
      ),
      createdAt: new Date(EPOCH + i * 37 * 60_000).toISOString(),
      variants: combos.map((opts, v) => ({
        sku: `${category.code}-${String(i + 1).padStart(5, '0')}-${v + 1}`,
        options: opts,
        price: base + v * 500,
        currency: CURRENCY,
        stock: random() < 0.1 ? 0 : 1 + Math.floor(random() * 60),
        position: v,
      })),
    });
  }
  return { categories: CATEGORIES, products };
}

/**
 * Loads the demo catalog. Idempotent: everything is keyed by slug or SKU and inserted
 * with ON CONFLICT DO NOTHING, so a second run (or a second replica) adds nothing,
 * and existing stock levels are never reset.
 */
export async function seedCatalog(dataSource: DataSource, options: SeedOptions = {}): Promise<SeedResult> {
  const { categories, products } = generateCatalog(options);
  const variants = products.flatMap((p) => p.variants.map((v) => ({ ...v, product: p.slug })));
  return dataSource.transaction(async (m) => {
    const insertedCategories: unknown[] = await m.query(
      `INSERT INTO category (slug, name)
       SELECT x.slug, x.name FROM jsonb_to_recordset($1::jsonb) AS x(slug text, name text)
       ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [JSON.stringify(categories.map((c) => ({ slug: c.slug, name: c.name })))],
    );
    const insertedProducts: unknown[] = await m.query(
      `INSERT INTO product (slug, name, description, category_id, status, images, created_at, updated_at)
       SELECT x.slug, x.name, x.description, c.id, 'active', x.images, x.created_at, x.created_at
         FROM jsonb_to_recordset($1::jsonb)
              AS x(slug text, name text, description text, category text, images text[], created_at timestamptz)
         JOIN category c ON c.slug = x.category
       ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [
        JSON.stringify(
          products.map(({ variants: _v, createdAt, ...p }) => ({ ...p, created_at: createdAt })),
        ),
      ],
    );
    const insertedVariants: unknown[] = await m.query(
      `INSERT INTO product_variant (product_id, sku, options, price, currency, position)
       SELECT p.id, x.sku, x.options, x.price, x.currency, x.position
         FROM jsonb_to_recordset($1::jsonb)
              AS x(product text, sku text, options jsonb, price int, currency text, position int)
         JOIN product p ON p.slug = x.product
       ON CONFLICT (sku) DO NOTHING RETURNING id`,
      [JSON.stringify(variants)],
    );
    await m.query(
      `INSERT INTO stock (sku, available)
       SELECT x.sku, x.stock FROM jsonb_to_recordset($1::jsonb) AS x(sku text, stock int)
         JOIN product_variant v ON v.sku = x.sku
       ON CONFLICT (sku) DO NOTHING`,
      [JSON.stringify(variants.map((v) => ({ sku: v.sku, stock: v.stock })))],
    );
    return {
      categories: insertedCategories.length,
      products: insertedProducts.length,
      variants: insertedVariants.length,
    };
  });
}
