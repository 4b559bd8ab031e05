'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { isUnavailable, problemDetail } from '@/lib/bff/api-client';
import { carts } from '@/lib/bff/shop';
import { ensureCart } from '@/lib/cart-service';
import { cartRef, viewer } from '@/lib/session';

const SKU = /^[A-Za-z0-9._-]{1,64}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function quantityOf(form: FormData): number {
  const q = Number(form.get('quantity') ?? 1);
  return Number.isInteger(q) && q >= 1 && q <= 10 ? q : 1;
}

/** Server actions are POSTs Next checks against the Host (Origin check): that is the CSRF guard. */
export async function addToCart(form: FormData): Promise<void> {
  const sku = String(form.get('sku') ?? '');
  const slug = String(form.get('slug') ?? '');
  if (!SKU.test(sku) || !SLUG.test(slug)) redirect('/products');
  const target = await ensureCart();
  let outcome = `added=${encodeURIComponent(sku)}`;
  if ('unavailable' in target) outcome = 'cartError=unavailable';
  else {
    const me = await viewer();
    const res = await carts.add(target.ref, sku, quantityOf(form), me?.token);
    if (isUnavailable(res)) outcome = 'cartError=unavailable';
    else if (!res.ok)
      outcome = `cartError=${encodeURIComponent(problemDetail(res.body, 'Could not add it'))}`;
  }
  redirect(`/products/${slug}?${outcome}`);
}

export async function updateLine(form: FormData): Promise<void> {
  const sku = String(form.get('sku') ?? '');
  const ref = await cartRef();
  if (!ref || !SKU.test(sku)) redirect('/cart');
  const me = await viewer();
  const res =
    form.get('remove') === '1'
      ? await carts.remove(ref, sku, me?.token)
      : await carts.setQuantity(ref, sku, quantityOf(form), me?.token);
  revalidatePath('/cart');
  redirect(res.ok ? '/cart' : '/cart?error=update');
}
