import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';

/** Trims strings; leaves other types alone so the type validators can reject them. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases, the normal form of an email address. */
export const NormaliseEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

/** Rejects control characters (newlines, NUL, ...) in single-line text. */
export const SingleLine = () =>
  Matches(/^[^\p{Cc}]*$/u, { message: ({ property }) => `${property} must not contain control characters` });
