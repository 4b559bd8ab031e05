import { applyDecorators } from '@nestjs/common';
import { IsInt, IsString, Length, Matches, Min, ValidateIf } from 'class-validator';

// Ids are whatever the producing service uses (UUIDs, reservation keys, JWT subjects); the
// outbox stores aggregate ids up to 200 characters, so nothing an event names may be longer.
export const Id = () => applyDecorators(IsString(), Length(1, 200));

/** Integer minor units (cents): money never travels as a float. */
export const Minor = () => applyDecorators(IsInt(), Min(0));

export const Count = () => applyDecorators(IsInt(), Min(0));

export const Currency = () => applyDecorators(IsString(), Matches(/^[A-Z]{3}$/));

/** Present but possibly null (a guest has no user id); absent is still a mismatch. */
export const Nullable = () => ValidateIf((_object, value) => value !== null);
