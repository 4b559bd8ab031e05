import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { EnvInt, EnvNumber, EnvValidationError, validateEnv } from '../src';

class Settings {
  @EnvInt(1, 10)
  WORKERS = 4;

  @EnvInt(0)
  DRAIN_MS = 1000;

  @EnvNumber(0, 1)
  RATE = 0.5;
}

const failure = (env: Record<string, string>): string => {
  try {
    validateEnv(Settings, env);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvValidationError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('EnvInt and EnvNumber settings', () => {
  it('keep the defaults for missing or empty variables and parse the given ones', () => {
    expect({ ...validateEnv(Settings, { WORKERS: '' }) }).toEqual({ WORKERS: 4, DRAIN_MS: 1000, RATE: 0.5 });
    expect({ ...validateEnv(Settings, { WORKERS: '10', DRAIN_MS: '0', RATE: '0.25' }) }).toEqual({
      WORKERS: 10,
      DRAIN_MS: 0,
      RATE: 0.25,
    });
  });

  it('refuse fractions, words and values out of range, naming the variable', () => {
    expect(failure({ WORKERS: '2.5' })).toBe(
      'Invalid configuration:\n  WORKERS: WORKERS must be an integer number',
    );
    expect(failure({ WORKERS: '11' })).toBe(
      'Invalid configuration:\n  WORKERS: WORKERS must not be greater than 10',
    );
    expect(failure({ DRAIN_MS: '-1' })).toBe(
      'Invalid configuration:\n  DRAIN_MS: DRAIN_MS must not be less than 0',
    );
    expect(failure({ RATE: '1.5' })).toBe('Invalid configuration:\n  RATE: RATE must not be greater than 1');
    expect(failure({ RATE: 'often' })).toContain(
      'RATE must be a number conforming to the specified constraints',
    );
  });

  it('report a setting exactly as the decorators it replaces did, every broken constraint in order', () => {
    class Stacked {
      @Transform(({ value }: { value: unknown }) =>
        value === undefined || value === '' ? undefined : Number(value),
      )
      @IsInt()
      @Min(1)
      @Max(10)
      WORKERS = 4;
    }
    const outcome = (cls: new () => { WORKERS: number }, WORKERS: string) => {
      try {
        return validateEnv(cls, { WORKERS }).WORKERS;
      } catch (err) {
        return (err as Error).message;
      }
    };
    for (const value of ['many', '2.5', '0', '11', '', '7']) {
      expect(outcome(Settings, value)).toEqual(outcome(Stacked, value));
    }
    expect(failure({ WORKERS: 'many' })).toBe(
      'Invalid configuration:\n  WORKERS: WORKERS must not be greater than 10; WORKERS must not be less than 1; WORKERS must be an integer number',
    );
  });
});
