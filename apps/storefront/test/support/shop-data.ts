import { apiClient } from '@ha-shop/testkit';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Admin {
  email: string;
  password: string;
}

export function readAdmin(dataDir: string): Admin {
  return JSON.parse(readFileSync(join(dataDir, 'admin.json'), 'utf8')) as Admin;
}

/**
 * A product of our own with two in-stock variants (the seeded catalog is random per SKU),
 * added through the admin API as an operator would.
 */
export async function addTeaProduct(apiUrl: string, admin: Admin) {
  const api = apiClient(apiUrl);
  const login = await api.post('/auth/login', { email: admin.email, password: admin.password });
  if (login.status !== 200) throw new Error(`admin login: ${login.status}`);
  const token = login.body.accessToken as string;
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const category = await api.post('/admin/categories', { slug: 'tea', name: 'Tea' }, { token });
  if (![201, 409].includes(category.status)) throw new Error(`category: ${category.status}`);
  const product = {
    slug: 'smoky-lapsang-souchong',
    name: 'Smoky Lapsang Souchong',
    description: 'Pine-smoked black tea leaves.',
    categorySlug: 'tea',
    variants: [
      { sku: `TEA-${suffix}-100`, price: 1450, currency: 'EUR', stock: 50, options: { size: '100g' } },
      { sku: `TEA-${suffix}-250`, price: 2950, currency: 'EUR', stock: 50, options: { size: '250g' } },
    ],
  };
  const created = await api.post('/admin/products', product, { token });
  if (created.status !== 201) throw new Error(`product: ${created.status} ${JSON.stringify(created.body)}`);
  return product;
}
