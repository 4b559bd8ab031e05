/**
 * A feed position: the top-level transaction id (xid8) that wrote an event, then its `seq`.
 * Written `<txid>.<seq>`. A bare `<seq>` is how cursors were before positions: it means "right
 * after the row with that seq", whose txid the producer looks up (0 for rows older than txids).
 */
export interface FeedPosition {
  txid: string;
  seq: string;
}

/** What `GET /events?after=` accepts; 18 digits each keeps both inside a signed bigint. */
export const FEED_CURSOR_PATTERN = /^(?:\d{1,18}\.)?\d{1,18}$/;

/** A bare seq reads as txid 0, the txid of every row written before the txid column. */
export function parseFeedCursor(cursor: string): FeedPosition & { bare: boolean } {
  if (!FEED_CURSOR_PATTERN.test(cursor)) throw new Error(`malformed feed cursor: ${cursor}`);
  const dot = cursor.indexOf('.');
  if (dot < 0) return { txid: '0', seq: strip(cursor), bare: true };
  return { txid: strip(cursor.slice(0, dot)), seq: strip(cursor.slice(dot + 1)), bare: false };
}

/** Txid 0 is written as a bare seq, which an old producer (seq cursors only) understands too. */
export function formatFeedCursor(p: FeedPosition): string {
  return p.txid === '0' ? p.seq : `${p.txid}.${p.seq}`;
}

const strip = (digits: string) => digits.replace(/^0+(?=\d)/, '');
