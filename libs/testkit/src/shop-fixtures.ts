// What a test shopper types at checkout, for every suite that places orders.
import { TEST_CARDS } from '@ha-shop/service-kit';

/** A shipping address every service accepts. */
export const TEST_ADDRESS = {
  name: 'Ada Lovelace',
  line1: '1 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

/** The card part of a checkout body (a number from TEST_CARDS), valid for two more years. */
export const testCard = (number: string = TEST_CARDS.visa, cvc = '123') => ({
  number,
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 2,
  cvc,
});
