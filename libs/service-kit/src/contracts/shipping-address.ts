/** Where an order goes: what checkout stores with it and the storefront sends and shows. */
export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  region?: string;
  country: string;
  phone?: string;
}
