// "What you can do now": the largest buy and sell the policy allows right now (PolicyGate.maxQty on
// the workspace's state), the rule that binds, and a button that puts that quantity into the order.
import type { MaxQty } from 'policygate-capital';

/** What the view shows, and what "Use this quantity" does. */
export interface WhatYouCanDoProps {
  symbol: string;
  buy: MaxQty | null;
  sell: MaxQty | null;
  /** Why no answer could be computed (the state cannot be gate state), or null. */
  problem: string | null;
  /** The order now: its side and quantity (the matching row says "this order"). */
  side: string;
  qty: number;
  /** Sets the order's side and quantity. */
  onUse?: (side: 'buy' | 'sell', qty: number) => void;
}

const fmtQty = (q: number) => q.toLocaleString('en-US', { maximumFractionDigits: 8 });

/** The binding limit as a person reads it. */
function limitText(m: MaxQty): string {
  if (m.limit === null) return '';
  switch (m.binding) {
    case 'EXP-001':
      return `max_position_pct ${(m.limit * 100).toFixed(2)}%`;
    case 'EXP-002':
      return `max_gross_exposure_x ${m.limit}×`;
    case 'EXP-003':
      return `max_net_exposure_x ${m.limit}×`;
    case 'ORD-001':
      return `max_order_qty ${fmtQty(m.limit)}`;
    case 'ORD-002':
      return `max_order_notional ${m.limit.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    default:
      return String(m.limit);
  }
}

function Row({ side, m, symbol, onUse, current }: { side: 'buy' | 'sell'; m: MaxQty; symbol: string; onUse: WhatYouCanDoProps['onUse']; current: boolean }) {
  const verb = side === 'buy' ? 'Buy' : 'Sell';
  const blocked = m.blockedBy.length > 0;
  return (
    <li className={`can-do__row${blocked ? ' can-do__row--blocked' : ''}`} data-testid={`can-${side}`} data-qty={m.qty} data-binding={m.binding ?? ''} data-blocked={m.blockedBy.join(' ')}>
      <div className="can-do__what">
        {blocked ? (
          <>
            <strong>
              No {side} of {symbol} now
            </strong>
            : {m.blockedBy.join(', ')} would deny it at any size.
          </>
        ) : (
          <>
            <strong>
              {verb} up to <span data-testid={`can-${side}-qty`}>{fmtQty(m.qty)}</span> {symbol}
            </strong>
            {m.binding && (
              <span className="can-do__binding">
                {' '}
                — then <span data-testid={`can-${side}-binding`}>{m.binding}</span> binds ({limitText(m)}); the step is {fmtQty(m.lot)}
              </span>
            )}
            {m.binding === null && <span className="can-do__binding"> — no size limit binds</span>}
            {current && <span className="can-do__note"> (this order's side)</span>}
          </>
        )}
      </div>
      {!blocked && m.qty > 0 && (
        <button type="button" data-testid={`use-${side}`} onClick={() => onUse?.(side, m.qty)} disabled={!onUse} aria-label={`Use this quantity: ${side} ${fmtQty(m.qty)} ${symbol}`}>
          Use this quantity
        </button>
      )}
    </li>
  );
}

/**
 * Renders the largest buy and sell allowed now.
 *
 * @example
 * ```tsx
 * <WhatYouCanDo symbol="AAPL" buy={gate.maxQty('AAPL', 'buy', market, { lot: 1 })} sell={null} problem={null} side="buy" qty={100} onUse={use} />
 * ```
 */
export function WhatYouCanDo({ symbol, buy, sell, problem, side, qty, onUse }: WhatYouCanDoProps) {
  return (
    <section className="can-do" aria-labelledby="can-do-title" data-testid="can-do">
      <h3 id="can-do-title">What you can do now</h3>
      {problem ? (
        <p className="why__note">Not available for this state: {problem}.</p>
      ) : (
        <ul className="can-do__list">
          {buy && <Row side="buy" m={buy} symbol={symbol} onUse={onUse} current={side === 'buy'} />}
          {sell && <Row side="sell" m={sell} symbol={symbol} onUse={onUse} current={side === 'sell'} />}
        </ul>
      )}
      <p className="can-do__hint">Largest quantities the size rules (EXP-001/002/003, and ORD-001/002 under DSL v0.2) allow with the state in the editors; the order asks for {fmtQty(qty)}.</p>
    </section>
  );
}
