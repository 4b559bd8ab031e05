import { describe, expect, it } from 'vitest';
import { formatFeedCursor, parseFeedCursor } from '../src';

describe('feed cursor', () => {
  it('reads a position and a bare seq from before positions', () => {
    expect(parseFeedCursor('7345.120')).toEqual({ txid: '7345', seq: '120', bare: false });
    expect(parseFeedCursor('1234')).toEqual({ txid: '0', seq: '1234', bare: true });
    expect(parseFeedCursor('0')).toEqual({ txid: '0', seq: '0', bare: true });
    expect(parseFeedCursor('007.0012')).toEqual({ txid: '7', seq: '12', bare: false });
  });

  it('writes txid 0 as a bare seq, so old producers still understand it', () => {
    expect(formatFeedCursor({ txid: '0', seq: '1234' })).toBe('1234');
    expect(formatFeedCursor({ txid: '7345', seq: '120' })).toBe('7345.120');
    expect(formatFeedCursor(parseFeedCursor('7345.120'))).toBe('7345.120');
  });

  it.each(['', '-1', 'abc', '1.2.3', '.5', '5.', '1e3', '1234567890123456789', '1.1234567890123456789'])(
    'refuses %j',
    (cursor) => {
      expect(() => parseFeedCursor(cursor)).toThrow(/malformed feed cursor/);
    },
  );
});
