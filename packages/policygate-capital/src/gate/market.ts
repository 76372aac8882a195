// The gate's market: which snapshot object it last adopted (so passing the same one again is
// free), the snapshot's timestamp, and the marks, which live in the exposure book.
import type { MarketSnapshot } from '../model/schemas.js';
import type { ExposureBook } from './exposure-book.js';
import { formatTimestampUs, parseTimestampUs } from './time.js';

const EPOCH = '1970-01-01T00:00:00Z';

/**
 * Adopts market snapshots into the book and reports the market state. Internal to the gate.
 *
 * @example
 * ```ts
 * const market = new GateMarket(book)
 * market.adopt({ timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200 } })
 * market.record(null).prices.AAPL // 200
 * ```
 */
export class GateMarket {
  private ref: object | undefined;
  private timestamp: string | null = null;
  // The timestamp's microseconds (NaN: unreadable), parsed once per new timestamp.
  private timestampUs = NaN;

  /**
   * @param book where the marks live.
   * @param failClosed whether a market without a timestamp is reported as of the epoch (under a
   *   policy with `max_price_age_seconds`: marks of unknown age are stale, SYS-003) instead of as of
   *   the gate's clock.
   */
  constructor(
    private readonly book: ExposureBook,
    private readonly failClosed = false,
  ) {}

  /** Whether `market` is the snapshot adopted last (then adopting it again would change nothing). */
  isCurrent(market: MarketSnapshot): boolean {
    return market === this.ref;
  }

  /**
   * Makes `market` the current snapshot: every mark replaced, O(symbols). Not validated (a check
   * adopts what it is given and never throws for it); invalid marks count as missing. The snapshot
   * is frozen: editing it in place after adoption would leave the gate on the old prices (it does
   * not look at a snapshot twice), and freezing turns that mistake into a TypeError.
   *
   * @throws {Error} when `market.prices` is not an object (a check turns it into SYS-002).
   */
  adopt(market: MarketSnapshot): void {
    const prices = market.prices;
    if (!prices || typeof prices !== 'object' || Array.isArray(prices)) throw new Error('market.prices must be an object');
    this.book.replacePrices(prices);
    this.setTimestamp(typeof market.timestamp === 'string' ? market.timestamp : null);
    Object.freeze(prices);
    Object.freeze(market);
    this.ref = market;
  }

  /** Changes some marks (validated by the caller) and, when given, the snapshot's timestamp. */
  tick(prices: Record<string, number>, timestamp: string | undefined): void {
    for (const symbol of Object.keys(prices)) this.book.setPrice(symbol, prices[symbol]!);
    if (timestamp !== undefined) this.setTimestamp(timestamp);
  }

  /** Sets the snapshot's timestamp as given (null: none; text that is not RFC 3339 is kept, and unreadable). */
  setTimestamp(timestamp: string | null): void {
    this.timestamp = timestamp;
    this.timestampUs = timestamp === null ? NaN : parseTimestampUs(timestamp);
  }

  /** The snapshot's timestamp as given (null: none), for a snapshot of the gate. */
  get rawTimestamp(): string | null {
    return this.timestamp;
  }

  /**
   * The market's time in microseconds as {@link GateMarket.record} reports it at `clock`: the
   * snapshot's timestamp (NaN when unreadable), or without one the epoch (fail closed) or `clock`.
   */
  timeUs(clock: number): number {
    if (this.timestamp !== null) return this.timestampUs;
    return this.failClosed ? 0 : clock;
  }

  /** Whether the gate has any market state (an adopted snapshot, a mark or a timestamp). */
  get present(): boolean {
    return this.ref !== undefined || this.book.prices.size > 0 || this.timestamp !== null;
  }

  /**
   * The market state as a wire record (a copy); without a timestamp, the gate's clock stands in (the
   * epoch when the gate fails closed on marks of unknown age). `shared`: the prices are the book's
   * frozen record, the same object until a mark changes (see ExposureBook.sharedPrices).
   */
  record(clock: number | null, shared = false): MarketSnapshot {
    const ts = this.timestamp ?? (clock === null || this.failClosed ? EPOCH : formatTimestampUs(clock));
    return { timestamp: ts, prices: shared ? this.book.sharedPrices() : this.book.pricesRecord() };
  }
}
