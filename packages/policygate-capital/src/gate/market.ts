// The gate's market: which snapshot object it last adopted (so passing the same one again is
// free), the snapshot's timestamp, and the marks, which live in the exposure book.
import type { MarketSnapshot } from '../model/schemas.js';
import type { ExposureBook } from './exposure-book.js';
import { formatTimestampUs } from './time.js';

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

  constructor(private readonly book: ExposureBook) {}

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
    this.timestamp = typeof market.timestamp === 'string' ? market.timestamp : null;
    Object.freeze(prices);
    Object.freeze(market);
    this.ref = market;
  }

  /** Changes some marks (validated by the caller) and, when given, the snapshot's timestamp. */
  tick(prices: Record<string, number>, timestamp: string | undefined): void {
    for (const symbol of Object.keys(prices)) this.book.setPrice(symbol, prices[symbol]!);
    if (timestamp !== undefined) this.timestamp = timestamp;
  }

  /** Whether the gate has any market state (an adopted snapshot, a mark or a timestamp). */
  get present(): boolean {
    return this.ref !== undefined || this.book.prices.size > 0 || this.timestamp !== null;
  }

  /** The market state as a wire record (a copy); without a timestamp, the gate's clock stands in. */
  record(clock: number | null): MarketSnapshot {
    const ts = this.timestamp ?? (clock === null ? EPOCH : formatTimestampUs(clock));
    return { timestamp: ts, prices: this.book.pricesRecord() };
  }
}
