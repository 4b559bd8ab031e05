import { PathParamPipe } from '@ha-shop/service-kit';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Fastify's router refuses path parameters over 100 characters, so nothing addressable may be longer.
export const SLUG_MAX = 100;
/** Reservation keys are chosen by checkout (e.g. `order:<uuid>`). */
export const RESERVATION_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$/;
export const RESERVATION_KEY_MAX = 100;
/** Currencies are ISO-4217 codes; the DTOs check the code list, this only the shape. */
export const MAX_QUANTITY = 1_000_000;
export const MAX_PRICE_MINOR = 100_000_000;

export const slugParam = () => new PathParamPipe('slug', SLUG_PATTERN, SLUG_MAX);
export const reservationKeyParam = () =>
  new PathParamPipe('reservationKey', RESERVATION_KEY_PATTERN, RESERVATION_KEY_MAX);
