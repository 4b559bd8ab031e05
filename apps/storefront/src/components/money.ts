const formats = new Map<string, Intl.NumberFormat>();

/** Integer minor units as the customer reads them, e.g. 1450 EUR → €14.50. */
export function money(minor: number, currency: string): string {
  let f = formats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-IE', { style: 'currency', currency });
    formats.set(currency, f);
  }
  return f.format(minor / 100);
}
