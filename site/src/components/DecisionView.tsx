// The decision: a large badge, requested vs modified quantity, what can be done now (the largest
// buy and sell), the violations table, why the decision is what it is (the policy lines behind it),
// the evidence gauges (with headroom in money and units; for a MODIFY, the reduced order's beside the
// requested one's), the execution-state gauges (order rates, kill switch), the policy hash and
// whether the kill switch tripped.
import type { Decision, Evidence } from 'policygate-capital';
import type { EvaluatedInputs } from '../lib/evaluate-workspace';
import { gaugesOf, headroom, killSwitchGauge, rateGauge, type Gauge, type HeadroomContext } from '../lib/gauge';
import { useWorkbench } from '../lib/use-workbench';
import type { Workbench } from '../lib/workbench';
import { WhatYouCanDo } from './WhatYouCanDo';
import { WhyDecision } from './WhyDecision';
import './workbench.css';

/** What the decision view shows. */
export interface DecisionViewProps {
  decision: Decision;
  requestedQty: number;
  side: string;
  symbol: string;
  policyHash: string;
  /** True when the inputs have errors and this is the last good decision, shown greyed. */
  stale: boolean;
  /** The policy text and validated inputs of the decision: with them, the panel explains it and shows what can be done now. */
  policyText?: string;
  inputs?: EvaluatedInputs;
  /** Moves the policy editor's cursor to a line and column (the explanation's source links). */
  onGoToPolicy?: (line: number, column: number) => void;
  /** Sets the order's side and quantity ("Use this quantity"). */
  onUseQuantity?: (side: 'buy' | 'sell', qty: number) => void;
}

const fmtQty = (q: number) => q.toLocaleString('en-US', { maximumFractionDigits: 8 });

const DESCRIPTIONS: Record<Decision['decision'], string> = {
  ALLOW: 'The order may be sent as it is.',
  MODIFY: 'The order may be sent with the reduced quantity.',
  DENY: 'The order must not be sent.',
};

// A violation's `inputs` or `computed`, one `key: value` a line (values as JSON).
function KeyValues({ record }: { record: Record<string, unknown> }) {
  const entries = Object.entries(record);
  if (entries.length === 0) return <span className="kv">{'{}'}</span>;
  return (
    <ul className="kv">
      {entries.map(([k, value]) => (
        <li key={k}>
          {k}: {JSON.stringify(value)}
        </li>
      ))}
    </ul>
  );
}

const MARGIN_MARK: Record<Gauge['status'], string> = { breach: '✕ ', reducing: '↓ ', headroom: '✓ ', unchecked: '', 'not-applicable': '– ' };

// Why a metric without a value was not checked.
const NOT_APPLICABLE: Partial<Record<Gauge['metric'], string>> = {
  limit_price_deviation: 'not checked: the price collar applies to limit orders with a limit price',
};

function GaugeRow({ g, money }: { g: Gauge; money?: string }) {
  return (
    <li className={`gauge gauge--${g.status}`} data-metric={g.metric} data-status={g.status}>
      <div className="gauge__head">
        <span className="gauge__label">
          {g.label} <span className="gauge__rule">{g.ruleId}</span>
        </span>
        <span className="gauge__value">
          {g.valueText} <span className="gauge__limit">/ limit {g.limitText}</span>
        </span>
      </div>
      <div
        className="gauge__track"
        role="meter"
        aria-label={`${g.label}: ${g.valueText}, limit ${g.limitText}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(g.fillPct)}
        aria-valuetext={`${g.valueText} against limit ${g.limitText}${g.marginText ? `, ${g.marginText}` : ''}`}
      >
        <div className="gauge__fill" style={{ width: `${g.fillPct}%` }} />
        {g.limitPct !== null && <div className="gauge__marker" style={{ left: `${g.limitPct}%` }} aria-hidden="true" />}
      </div>
      <div className="gauge__margin">
        {MARGIN_MARK[g.status]}
        {g.status === 'unchecked' ? 'not checked by this policy' : g.status === 'not-applicable' ? (NOT_APPLICABLE[g.metric] ?? 'not checked for this order') : g.marginText}
      </div>
      {money && (
        <div className="gauge__money" data-testid="gauge-money">
          {money}
        </div>
      )}
    </li>
  );
}

/** Evidence gauges, each with its headroom in money and units when the context is known. */
function GaugeList({ testId, gauges, evidence, ctx }: { testId: string; gauges: Gauge[]; evidence: readonly Evidence[]; ctx: HeadroomContext | null }) {
  return (
    <ul className="gauges" data-testid={testId}>
      {gauges.map((g, k) => (
        <GaugeRow key={g.metric} g={g} money={ctx && g.status !== 'unchecked' && g.status !== 'not-applicable' ? headroom(evidence[k]!, ctx).text : undefined} />
      ))}
    </ul>
  );
}

/** The execution state's gauges: the order rates against their per-minute limits, and the kill switch. */
function StateGauges({ wb, decision }: { wb: Workbench; decision: Decision }) {
  const fired = new Set(decision.violations.map((v) => v.rule_id));
  const { rates, killSwitch } = wb;
  const gauges: Gauge[] = [];
  if (rates.globalLimit !== null) gauges.push(rateGauge('orders_last_60s_global', rates.global, rates.globalLimit, fired.has('EXEC-001')));
  if (rates.strategyLimit !== null) gauges.push(rateGauge('orders_last_60s_strategy', rates.strategy, rates.strategyLimit, fired.has('EXEC-002')));
  gauges.push(killSwitchGauge({ ...killSwitch, fired: fired.has('KILL-001'), lifted: wb.explanation.liftedHalts.some((h) => h.ruleId === 'KILL-001') }));
  return (
    <>
      <h3>Execution state</h3>
      <p className="decision__desc">Orders in the last 60 seconds against the per-minute limits (the policy has no per-hour limit), and the kill switch.</p>
      <ul className="gauges" data-testid="state-gauges">
        {gauges.map((g) => (
          <GaugeRow key={g.metric} g={g} />
        ))}
      </ul>
    </>
  );
}

/**
 * Renders one decision. When `stale`, everything is greyed and marked as out of date.
 *
 * @example
 * ```tsx
 * <DecisionView decision={d} requestedQty={100} side="buy" symbol="AAPL" policyHash={hash} stale={false} />
 * ```
 */
export function DecisionView({ decision, requestedQty, side, symbol, policyHash, stale, policyText, inputs, onGoToPolicy, onUseQuantity }: DecisionViewProps) {
  const kind = decision.decision;
  const gauges = gaugesOf(decision);
  const modifiedQty = decision.modified_intent?.qty;
  const { wb, pending } = useWorkbench(stale ? undefined : policyText, stale ? undefined : inputs);
  // aria-busy while the workbench (what you can do, why, the state gauges) is computed: the view grows when it comes.
  return (
    <div className={`decision${stale ? ' decision--stale' : ''}`} data-testid="decision" data-stale={stale ? 'true' : 'false'} aria-busy={pending} aria-describedby={stale ? 'stale-note' : undefined}>
      {stale && (
        <p className="stale-note" id="stale-note" role="note">
          Out of date: this is the last good decision. Fix the problems marked in the editors to evaluate again.
        </p>
      )}
      <div className="decision__top">
        <div className={`badge badge--${kind.toLowerCase()}`} data-testid="decision-badge">
          {kind}
        </div>
        <div className="decision__summary">
          <p className="decision__qty" data-testid="qty">
            {side} {symbol}: requested <strong data-testid="requested-qty">{fmtQty(requestedQty)}</strong>
            {modifiedQty !== undefined && (
              <>
                {' '}
                → modified <strong data-testid="modified-qty">{fmtQty(modifiedQty)}</strong>
              </>
            )}
          </p>
          <p className="decision__desc">{DESCRIPTIONS[kind]}</p>
        </div>
      </div>

      <dl className="facts">
        <div>
          <dt>kill_switch_triggered</dt>
          <dd data-testid="kill-switch" className={decision.kill_switch_triggered ? 'fact--alarm' : ''}>
            {decision.kill_switch_triggered ? 'true — trip the kill switch' : 'false'}
          </dd>
        </div>
        <div>
          <dt>intent_id</dt>
          <dd>
            <code>{decision.intent_id}</code>
          </dd>
        </div>
        <div>
          <dt>eval_ms</dt>
          <dd>{decision.eval_ms}</dd>
        </div>
        <div className="facts__wide">
          <dt>Policy hash (SHA-256)</dt>
          <dd>
            <code className="hash" data-testid="policy-hash">
              {policyHash}
            </code>
          </dd>
        </div>
      </dl>

      {wb && <WhatYouCanDo symbol={symbol} buy={wb.buy} sell={wb.sell} problem={wb.maxQtyProblem} side={side} qty={requestedQty} onUse={onUseQuantity} />}

      <h3>Violations</h3>
      {decision.violations.length === 0 ? (
        <p data-testid="no-violations">None.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Violations table">
          <table className="violations" data-testid="violations">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Severity</th>
                <th scope="col">Message</th>
                <th scope="col">Inputs</th>
                <th scope="col">Computed</th>
              </tr>
            </thead>
            <tbody>
              {decision.violations.map((v, k) => (
                <tr key={k} data-rule={v.rule_id}>
                  <th scope="row">{v.rule_id}</th>
                  <td>
                    <span className={`severity severity--${v.severity.toLowerCase()}`}>{v.severity}</span>
                  </td>
                  <td>{v.message}</td>
                  <td>
                    <KeyValues record={v.inputs} />
                  </td>
                  <td>
                    <KeyValues record={v.computed} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {wb && <WhyDecision explanation={wb.explanation} onGoTo={onGoToPolicy} />}

      <h3>Evidence</h3>
      <p className="decision__desc">
        Each metric after the order <em>as requested</em>, against its resolved limit
        {modifiedQty !== undefined ? ', beside the same metrics after the modified order (what is sent)' : ''}. Headroom in money and in units of {symbol} at its mark.
      </p>
      {gauges.length === 0 ? (
        <p data-testid="no-evidence">No evidence: evaluation stopped before any metric was computed ({decision.violations[0]?.rule_id ?? 'error'}).</p>
      ) : wb?.modified ? (
        <div className="gauges-compare">
          <div>
            <h4 className="gauges__title">
              Requested: {side} {fmtQty(requestedQty)}
            </h4>
            <GaugeList testId="gauges" gauges={gauges} evidence={decision.evidence} ctx={wb.headroom} />
          </div>
          <div>
            <h4 className="gauges__title">
              Modified: {side} {fmtQty(modifiedQty!)}
            </h4>
            <GaugeList testId="gauges-modified" gauges={gaugesOf(wb.modified)} evidence={wb.modified.evidence} ctx={wb.headroom} />
          </div>
        </div>
      ) : (
        <GaugeList testId="gauges" gauges={gauges} evidence={decision.evidence} ctx={wb?.headroom ?? null} />
      )}
      {wb && <StateGauges wb={wb} decision={decision} />}
    </div>
  );
}
