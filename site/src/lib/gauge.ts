// Evidence as gauges: each metric against its resolved limit, with the comparison its rule uses
// (/docs/semantics/, "Rules and boundaries"), so a gauge shows "breach" exactly when the value is past the rule's threshold.
import type { Evidence, EvidenceMetric } from 'policygate-capital';

/** Geometry and wording of one gauge. */
export interface Gauge {
  metric: EvidenceMetric;
  /** The rule that watches this metric. */
  ruleId: string;
  label: string;
  /**
   * 'headroom': inside the limit; 'breach': its rule fired; 'reducing': past the limit but the order
   * gets through, because it lowers that exposure (exposure rules) or only reduces its position under
   * `reduce_only` (loss rules); 'unchecked': the policy sets no limit; 'not-applicable': the metric
   * has no value for this order (`limit_price_deviation` of an order that is not a priced limit order).
   */
  status: 'headroom' | 'breach' | 'reducing' | 'unchecked' | 'not-applicable';
  valueText: string;
  limitText: string;
  /** "headroom 3.00%" or "over by 15.00%"; '' when unchecked or not applicable. */
  marginText: string;
  /** Bar length and limit marker, in percent of the gauge width (0–100). */
  fillPct: number;
  limitPct: number | null;
}

type Unit = 'pct' | 'x' | 'qty' | 'money' | 'seconds';

const META: Record<EvidenceMetric, { label: string; ruleId: string; unit: Unit }> = {
  daily_return: { label: 'Daily loss', ruleId: 'LOSS-001', unit: 'pct' },
  drawdown: { label: 'Drawdown', ruleId: 'LOSS-002', unit: 'pct' },
  new_position_pct: { label: 'Position after order', ruleId: 'EXP-001', unit: 'pct' },
  gross_exposure_x: { label: 'Gross exposure', ruleId: 'EXP-002', unit: 'x' },
  net_exposure_x: { label: 'Net exposure', ruleId: 'EXP-003', unit: 'x' },
  order_qty: { label: 'Order size', ruleId: 'ORD-001', unit: 'qty' },
  order_notional: { label: 'Order notional', ruleId: 'ORD-002', unit: 'money' },
  limit_price_deviation: { label: 'Limit price past the market', ruleId: 'ORD-003', unit: 'pct' },
  // SYS-003 denies at once with no evidence: an age shown as a gauge is always within its limit.
  price_age_seconds: { label: 'Market data age', ruleId: 'SYS-003', unit: 'seconds' },
};

// Loss metrics: their rules are the halts that reduce_only lifts for an order that only reduces its position.
const LOSS_METRICS: ReadonlySet<EvidenceMetric> = new Set(['daily_return', 'drawdown']);
// Exposure metrics: their rules never block an order that lowers what they measure.
const EXPOSURE_METRICS: ReadonlySet<EvidenceMetric> = new Set(['new_position_pct', 'gross_exposure_x', 'net_exposure_x']);

const fmt = (x: number, unit: Unit): string => {
  switch (unit) {
    case 'pct':
      return `${(x * 100).toFixed(2)}%`;
    case 'x':
      return `${x.toFixed(2)}×`;
    case 'qty':
      return x.toLocaleString('en-US', { maximumFractionDigits: 8 });
    case 'money':
      return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'seconds':
      return `${x.toLocaleString('en-US', { maximumFractionDigits: 3 })} s`;
  }
};

/** How the value reads; signed metrics say which way they point. */
function describe(metric: EvidenceMetric, value: number, unit: Unit): string {
  switch (metric) {
    case 'daily_return':
      return value < 0 ? `${fmt(-value, 'pct')} loss` : value > 0 ? `${fmt(value, 'pct')} gain` : 'no loss';
    case 'limit_price_deviation':
      // Positive: the limit reaches past the market (a buy above it, a sell below it); negative: passive.
      return value < 0 ? `${fmt(-value, unit)} inside the market` : `${fmt(value, unit)} past the market`;
    case 'price_age_seconds':
      // The age is signed: a snapshot newer than the order has a negative age.
      return value < 0 ? `${fmt(-value, unit)} newer than the order` : `${fmt(value, unit)} old`;
    default:
      return fmt(value, unit);
  }
}

/**
 * Computes a gauge for one evidence item. `ruleFired` says whether the rule watching this metric is
 * among the decision's violations.
 *
 * The daily return is shown as a loss (its negation) against the loss limit, so that every gauge
 * reads the same way: a bar growing towards a limit marker. Evidence is rounded to 6 decimals while
 * rules compare exact values, so the violation list is the authority: a gauge is in breach exactly
 * when its rule fired. An exposure past its limit whose rule did not fire is 'reducing': the order
 * lowers that exposure, and the evaluation semantics (/docs/semantics/) say an exposure rule never
 * blocks that. A loss strictly past its limit whose rule did not fire is 'reducing' too: under
 * `kill_switch.reduce_only` (DSL v0.2) the halts are not applied to an order that only reduces its
 * position. (Rounding is monotonic, so a rounded value strictly past the rounded limit is past it
 * exactly: 'reducing' is never a rounding artefact.) The v0.2 order metrics read like the others;
 * `limit_price_deviation` without a value (not a priced limit order) is 'not-applicable'.
 *
 * @example
 * ```ts
 * gauge({ metric: 'drawdown', value: 0.06, limit: 0.05 }, true).status // 'breach'
 * gauge({ metric: 'new_position_pct', value: 0.18, limit: 0.05 }, false).status // 'reducing'
 * gauge({ metric: 'limit_price_deviation', value: null, limit: 0.05 }, false).valueText // 'not a priced limit order'
 * ```
 */
export function gauge(e: Evidence, ruleFired: boolean): Gauge {
  const meta = META[e.metric];
  const base = { metric: e.metric, ruleId: meta.ruleId, label: meta.label };
  const limitText = e.limit === null ? 'no limit' : e.metric === 'daily_return' ? `${fmt(Math.abs(e.limit), 'pct')} loss` : fmt(e.limit, meta.unit);
  if (e.value === null) {
    return {
      ...base,
      status: ruleFired ? 'breach' : 'not-applicable',
      valueText: e.metric === 'limit_price_deviation' ? 'not a priced limit order' : 'no value',
      limitText,
      marginText: '',
      fillPct: 0,
      limitPct: e.limit === null ? null : 80,
    };
  }
  const isLoss = e.metric === 'daily_return';
  // How far the value goes towards the limit (signed: a gain, a passive limit price or a snapshot
  // newer than the order are below zero), and the bar's length (never negative).
  const towards = isLoss ? -e.value : EXPOSURE_METRICS.has(e.metric) ? Math.abs(e.value) : e.value;
  const shown = Math.max(0, towards);
  const valueText = describe(e.metric, e.value, meta.unit);
  if (e.limit === null) {
    return { ...base, status: 'unchecked', valueText, limitText, marginText: '', fillPct: shown > 0 ? 50 : 0, limitPct: null };
  }
  const threshold = Math.abs(e.limit);
  let status: Gauge['status'];
  if (ruleFired) status = 'breach';
  else if (LOSS_METRICS.has(e.metric)) status = towards > threshold ? 'reducing' : 'headroom';
  else if (EXPOSURE_METRICS.has(e.metric)) status = e.value > e.limit ? 'reducing' : 'headroom';
  else status = 'headroom';
  const scale = Math.max(threshold * 1.25, shown * 1.05, Number.MIN_VALUE);
  const margin = Math.abs(threshold - towards);
  const marginUnit = meta.unit;
  let marginText: string;
  if (margin === 0) marginText = 'at the limit';
  else if (status === 'headroom') marginText = `headroom ${fmt(margin, marginUnit)}`;
  else if (status === 'breach') marginText = `over by ${fmt(margin, marginUnit)}`;
  else if (LOSS_METRICS.has(e.metric)) marginText = `over by ${fmt(margin, marginUnit)}, but reduce-only lets this order through: it only reduces a position`;
  else marginText = `over by ${fmt(margin, marginUnit)}, but this order lowers it`;
  return {
    ...base,
    status,
    valueText,
    limitText,
    marginText,
    fillPct: Math.min(100, (shown / scale) * 100),
    limitPct: Math.min(100, (threshold / scale) * 100),
  };
}

/**
 * The gauges of a decision's evidence, in evidence order, each told whether its rule fired.
 *
 * @example
 * ```ts
 * for (const g of gaugesOf(decision)) console.log(g.label, g.status, g.marginText)
 * ```
 */
export function gaugesOf(decision: { evidence: readonly Evidence[]; violations: readonly { rule_id: string }[] }): Gauge[] {
  const fired = new Set(decision.violations.map((v) => v.rule_id));
  return decision.evidence.map((e) => gauge(e, fired.has(META[e.metric].ruleId)));
}
