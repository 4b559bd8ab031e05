/** The largest charge (integer minor units) checkout asks for and payment-service accepts. */
export const MAX_CHARGE_MINOR = 100_000_000;

/** A SKU, as product-service stores it and checkout accepts it in a cart. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SKU_MAX = 64;
export const SKU_MESSAGE = 'sku may contain letters, digits, ".", "_" and "-"';
