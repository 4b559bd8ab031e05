import { describe, expect, it } from 'vitest';
import { mapError } from '../src';
import { isDatabaseUnavailable } from '../src/errors/error-mapping';

describe('database-unavailable mapping', () => {
  it('answers 503 with Retry-After when a transaction lost its connection (PostgreSQL restart)', () => {
    // What TypeORM throws at COMMIT after the connection died mid-transaction.
    const err = Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), {
      name: 'QueryRunnerAlreadyReleasedError',
    });
    expect(isDatabaseUnavailable(err)).toBe(true);
    const mapped = mapError(err);
    expect(mapped.problem.status).toBe(503);
    expect(mapped.headers['retry-after']).toBeDefined();
  });

  it('answers 503 when a statement inside such a transaction finds its connection released', () => {
    // What TypeORM throws for a query on the transaction's EntityManager after the connection died.
    const err = Object.assign(
      new Error(
        'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
      ),
      { name: 'QueryRunnerProviderAlreadyReleasedError' },
    );
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(mapError(err).problem.status).toBe(503);
  });

  it('still answers 500 for unknown errors', () => {
    expect(mapError(new Error('boom')).problem.status).toBe(500);
  });
});
