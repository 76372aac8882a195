// Evidence as gauges: each metric against its resolved limit, with the comparison its rule uses
// (/docs/semantics/, "Rules and boundaries"), so a gauge shows "breach" exactly when the value is past the rule's threshold.
import type { Evidence, EvidenceMetric } from 'policygate-capital';

/**
 * What a gauge measures: an evidence metric, or one of the execution-state gauges (the order rates
 * of EXEC-001/EXEC-002 and the kill switch of KILL-001), which have no evidence item.
 */
export type GaugeMetric = EvidenceMetric | 'orders_last_60s_global' | 'orders_last_60s_strategy' | 'kill_switch';

/** Geometry and wording of one gauge. */
export interface Gauge {
  metric: GaugeMetric;
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

/**
 * The figures that turn a gauge's margin into money and units: the account, the order's symbol's
 * mark and contract multiplier.
 */
export interface HeadroomContext {
  equity: number;
  startOfDayEquity: number;
  peakEquity: number;
  /** The symbol's market price (per unit). */
  price: number;
  /** The instrument's contract multiplier (1 unless the policy lists one). */
  multiplier: number;
}

/** A margin in money and in units of the order's symbol; null where it has no meaning. Negative: over the limit. */
export interface Headroom {
  money: number | null;
  units: number | null;
  /** "headroom 3,000.00 ≈ 15 shares" or "over by 15,000.00 ≈ 75 shares"; '' when unchecked or not applicable. */
  text: string;
}

const moneyText = (x: number) => Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const unitsText = (x: number) => `${Math.abs(x).toLocaleString('en-US', { maximumFractionDigits: 4 })} unit${Math.abs(x) === 1 ? '' : 's'}`;

/**
 * The margin of one evidence item in money and in units of the order's symbol, from the item's
 * (6-decimal) figures, so approximate: a percent of equity is money (`margin × equity`), money is
 * units at the mark (`money / (price × multiplier)`). The loss limits are money only (of the
 * start-of-day and peak equity); the order size is units, its notional money.
 *
 * @example
 * ```ts
 * headroom({ metric: 'new_position_pct', value: 0.02, limit: 0.05 }, { equity: 100_000, startOfDayEquity: 100_000, peakEquity: 100_000, price: 200, multiplier: 1 })
 * // text: 'headroom 3,000.00 ≈ 15 units' (money ≈ 3000, units ≈ 15)
 * ```
 */
export function headroom(e: Evidence, ctx: HeadroomContext): Headroom {
  const none: Headroom = { money: null, units: null, text: '' };
  if (e.value === null || e.limit === null) return none;
  const unitValue = ctx.price * ctx.multiplier;
  let money: number | null = null;
  let units: number | null = null;
  switch (e.metric) {
    case 'daily_return':
      money = (Math.abs(e.limit) + e.value) * ctx.startOfDayEquity;
      break;
    case 'drawdown':
      money = (e.limit - e.value) * ctx.peakEquity;
      break;
    case 'new_position_pct':
    case 'gross_exposure_x':
    case 'net_exposure_x':
      money = (e.limit - e.value) * ctx.equity;
      units = money / unitValue;
      break;
    case 'order_qty':
      units = e.limit - e.value;
      money = units * unitValue;
      break;
    case 'order_notional':
      money = e.limit - e.value;
      units = money / unitValue;
      break;
    default:
      return none;
  }
  // Rounded figures: a margin of a few cents is "at the limit".
  if (Math.abs(money) < 0.005) return { money: 0, units: units === null ? null : 0, text: 'at the limit' };
  const word = money > 0 ? 'headroom' : 'over by';
  return { money, units, text: `${word} ${moneyText(money)}${units === null ? '' : ` ≈ ${unitsText(units)}`}` };
}

/**
 * A gauge for an order rate of the execution state (EXEC-001 global, EXEC-002 per strategy): the
 * orders sent in the last 60 seconds against the per-minute limit. The rule fires at `count >= limit`,
 * so the headroom is the orders left before the next one is throttled.
 *
 * @example
 * ```ts
 * rateGauge('orders_last_60s_strategy', 10, 10, true).marginText // 'at the limit: the next order is throttled'
 * ```
 */
export function rateGauge(metric: 'orders_last_60s_global' | 'orders_last_60s_strategy', count: number, limit: number, ruleFired: boolean): Gauge {
  const global = metric === 'orders_last_60s_global';
  const left = limit - count;
  const scale = Math.max(limit * 1.25, count * 1.05, 1);
  return {
    metric,
    ruleId: global ? 'EXEC-001' : 'EXEC-002',
    label: global ? 'Orders per minute, all strategies' : 'Orders per minute, this strategy',
    status: ruleFired ? 'breach' : 'headroom',
    valueText: `${count.toLocaleString('en-US')} in the last 60 s`,
    limitText: `${limit.toLocaleString('en-US')} / min`,
    marginText:
      left > 0
        ? `headroom ${left.toLocaleString('en-US')} order${left === 1 ? '' : 's'} this minute`
        : left === 0
          ? 'at the limit: this order is throttled'
          : `over by ${(-left).toLocaleString('en-US')}`,
    fillPct: Math.min(100, (count / scale) * 100),
    limitPct: Math.min(100, (limit / scale) * 100),
  };
}

/**
 * A gauge for the kill switch (KILL-001): off, or active (every order denied, unless reduce-only
 * lifts it for an order that only reduces its position). The bar counts the violations of the
 * execution state's window against `trip_after_n_violations` (the stateful gate trips on them).
 *
 * @example
 * ```ts
 * killSwitchGauge({ active: true, violations: 0, tripAfter: 3, windowSeconds: 300, fired: true, lifted: false }).status // 'breach'
 * ```
 */
export function killSwitchGauge(k: { active: boolean; violations: number; tripAfter: number; windowSeconds: number; fired: boolean; lifted: boolean }): Gauge {
  const scale = Math.max(k.tripAfter * 1.25, k.violations * 1.05, 1);
  const counted = `${k.violations} of ${k.tripAfter} violations in ${k.windowSeconds} s`;
  return {
    metric: 'kill_switch',
    ruleId: 'KILL-001',
    label: 'Kill switch',
    status: k.fired ? 'breach' : k.lifted ? 'reducing' : 'headroom',
    valueText: k.active ? 'ACTIVE' : 'off',
    limitText: `trips after ${k.tripAfter} violations`,
    marginText: k.fired ? 'active: every order is denied until it is reset' : k.lifted ? 'active, but reduce-only lets this order through: it only reduces a position' : `off (${counted})`,
    fillPct: k.active ? 100 : Math.min(100, (k.violations / scale) * 100),
    limitPct: Math.min(100, (k.tripAfter / scale) * 100),
  };
}
