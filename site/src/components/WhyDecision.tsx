// "Why this decision": the SDK's explanation (explainDecision) of a decision — for each violation
// the limit and the policy section it was resolved from, with a link to its line in the policy
// editor; why ALLOW, MODIFY or DENY; the kill-switch trip entries and the limits behind the evidence.
import type { Explanation, LimitSource } from 'policygate-capital';

/** What the explanation view shows and where a click on a source line goes. */
export interface WhyDecisionProps {
  explanation: Explanation;
  /** Moves the policy editor's cursor to a 1-based line and column. */
  onGoTo?: (line: number, column: number) => void;
}

const valueText = (v: unknown) => (v === null ? 'unchecked' : JSON.stringify(v));

/** A setting: its path and value, and a button to its line when the policy text is known. */
function Source({ s, onGoTo }: { s: LimitSource; onGoTo?: WhyDecisionProps['onGoTo'] }) {
  return (
    <span className="why__source">
      <code className="why__path" data-testid="why-section">
        {s.section}
      </code>
      .<code>{s.key}</code> = <code>{valueText(s.value)}</code>
      {s.written === false && <span className="why__note"> (not written: {s.value === null ? 'unchecked' : 'the default'})</span>}{' '}
      {s.line !== null && (
        <button
          type="button"
          className="source-link"
          data-testid="source-link"
          data-path={s.path}
          data-line={s.line}
          aria-label={`Show ${s.path} in the policy editor, line ${s.line}, column ${s.column}`}
          onClick={() => onGoTo?.(s.line!, s.column!)}
          disabled={!onGoTo}
        >
          line {s.line}:{s.column}
        </button>
      )}
    </span>
  );
}

const ORIGIN: Record<LimitSource['origin'], string> = {
  'symbol-override': 'symbol override',
  'strategy-override': 'strategy override',
  limits: 'policy limits',
  instruments: 'instrument',
  defaults: 'defaults',
};

/**
 * Renders an explanation.
 *
 * @example
 * ```tsx
 * <WhyDecision explanation={explainDecision(engine, intent, portfolio, market, execution, { policyText })} onGoTo={goTo} />
 * ```
 */
export function WhyDecision({ explanation, onGoTo }: WhyDecisionProps) {
  const { outcome, violations, evidence, killSwitch, liftedHalts } = explanation;
  return (
    <section className="why" aria-labelledby="why-title" data-testid="why">
      <h3 id="why-title">Why this decision</h3>
      <p className={`why__outcome why__outcome--${outcome.reason}`} data-testid="why-outcome" data-reason={outcome.reason}>
        {outcome.text}
      </p>
      {violations.length > 0 && (
        <ul className="why__list" data-testid="why-violations">
          {violations.map((v) => (
            <li key={v.index} data-rule={v.ruleId}>
              <strong>{v.ruleId}</strong>{' '}
              {v.source ? (
                <>
                  compared against <Source s={v.source} onGoTo={onGoTo} /> <span className="why__origin">({ORIGIN[v.source.origin]})</span>
                </>
              ) : (
                <span>no policy limit: decided by the state</span>
              )}
              {v.input && (
                <span className="why__input">
                  {' '}
                  · read <code>{v.input}</code>
                </span>
              )}
              {v.related.length > 0 && (
                <ul className="why__related">
                  {v.related.map((s) => (
                    <li key={s.path}>
                      also <Source s={s} onGoTo={onGoTo} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {killSwitch.length > 0 && (
        <p className="why__kill" data-testid="why-kill-switch">
          kill_switch_triggered: {killSwitch.map((s) => `${String(s.value)}`).join(', ')} {killSwitch.length === 1 ? 'is' : 'are'} listed in{' '}
          {killSwitch.map((s) => (
            <Source key={s.path} s={s} onGoTo={onGoTo} />
          ))}
        </p>
      )}
      {liftedHalts.length > 0 && (
        <p className="why__lifted" data-testid="why-lifted">
          {liftedHalts.map((h) => h.ruleId).join(', ')} would deny this order, but it only reduces its position: <Source s={liftedHalts[0]!.source} onGoTo={onGoTo} />
        </p>
      )}
      {evidence.length > 0 && (
        <details className="why__evidence">
          <summary>Where each evidence limit comes from ({evidence.length})</summary>
          <ul className="why__list" data-testid="why-evidence">
            {evidence.map((e) => (
              <li key={e.index} data-metric={e.metric}>
                <code>{e.metric}</code>: <Source s={e.source} onGoTo={onGoTo} />
              </li>
            ))}
          </ul>
        </details>
      )}
      {!explanation.positions && <p className="why__note">Line numbers are not known: the policy text was not given.</p>}
    </section>
  );
}
