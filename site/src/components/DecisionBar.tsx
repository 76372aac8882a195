// The compact decision: badge, quantity and main rule in one line. On a phone it sticks to the top
// of the screen while any editor is edited (the full decision is far above by then); on a laptop the
// full decision stays beside the editors, and this bar is only read out by screen readers. Either
// way it is the playground's polite live region: each new decision is announced once.
import type { Decision } from 'policygate-capital';

/** What the decision bar shows. */
export interface DecisionBarProps {
  /** The decision on screen (the last good one while the inputs have problems), or null before the first. */
  decision: Decision | null;
  requestedQty: number | undefined;
  /** Problems in the inputs: more than 0 means `decision` is out of date. */
  problemCount: number;
}

const fmtQty = (q: number) => q.toLocaleString('en-US', { maximumFractionDigits: 8 });

/**
 * One line that says what the order gets. `data-sticky-top` tells the editors to keep their cursor
 * below it.
 *
 * @example
 * ```tsx
 * <DecisionBar decision={shown?.decision ?? null} requestedQty={shown?.inputs.intent.qty} problemCount={0} />
 * ```
 */
export function DecisionBar({ decision, requestedQty, problemCount }: DecisionBarProps) {
  const stale = problemCount > 0;
  const kind = decision?.decision;
  const modified = decision?.modified_intent?.qty;
  const rule = decision?.violations[0]?.rule_id;
  return (
    <div className={`decision-bar${stale ? ' decision-bar--stale' : ''}`} role="status" aria-live="polite" aria-atomic="true" data-testid="decision-bar" data-sticky-top="">
      {stale && (
        <span className="decision-bar__problems" data-testid="decision-bar-problems">
          {problemCount} problem{problemCount === 1 ? '' : 's'} in the inputs{decision ? '; last good:' : ''}
        </span>
      )}
      {decision && kind ? (
        <>
          <span className="sr-only">Decision </span>
          <span className={`decision-bar__badge badge--${kind.toLowerCase()}`} data-testid="decision-bar-badge">
            {kind}
          </span>
          <span className="decision-bar__qty" data-testid="decision-bar-qty">
            qty {modified !== undefined ? `${fmtQty(modified)} of ${fmtQty(requestedQty ?? 0)}` : fmtQty(requestedQty ?? 0)}
          </span>
          <span className="decision-bar__rule" data-testid="decision-bar-rule">
            {rule ? (
              <>
                <span className="sr-only">main rule </span>
                {rule}
                {decision.violations.length > 1 ? ` +${decision.violations.length - 1}` : ''}
              </>
            ) : (
              'no violations'
            )}
          </span>
        </>
      ) : (
        !stale && <span className="decision-bar__qty">Evaluating…</span>
      )}
    </div>
  );
}
