// Evidence as gauges: each metric against its resolved limit, with the comparison its rule uses
// (/docs/semantics/, "Rules and boundaries"), so a gauge shows "breach" exactly when the value is past the rule's threshold.
import type { Evidence } from 'policygate-capital';

/** Geometry and wording of one gauge. */
export interface Gauge {
  metric: Evidence['metric'];
  /** The rule that watches this metric. */
  ruleId: string;
  label: string;
  /**
   * 'headroom': inside the limit; 'breach': its rule fired; 'reducing': past the limit but the order
   * lowers it, so the exposure rule lets it through; 'unchecked': the policy sets no limit.
   */
  status: 'headroom' | 'breach' | 'reducing' | 'unchecked';
  valueText: string;
  limitText: string;
  /** "headroom 3.00%" or "over by 15.00%"; '' when unchecked. */
  marginText: string;
  /** Bar length and limit marker, in percent of the gauge width (0–100). */
  fillPct: number;
  limitPct: number | null;
}

const META: Record<Evidence['metric'], { label: string; ruleId: string; unit: 'pct' | 'x' }> = {
  daily_return: { label: 'Daily loss', ruleId: 'LOSS-001', unit: 'pct' },
  drawdown: { label: 'Drawdown', ruleId: 'LOSS-002', unit: 'pct' },
  new_position_pct: { label: 'Position after order', ruleId: 'EXP-001', unit: 'pct' },
  gross_exposure_x: { label: 'Gross exposure', ruleId: 'EXP-002', unit: 'x' },
  net_exposure_x: { label: 'Net exposure', ruleId: 'EXP-003', unit: 'x' },
};

const lossText = (r: number) => (r < 0 ? `${fmt(-r, 'pct')} loss` : r > 0 ? `${fmt(r, 'pct')} gain` : 'no loss');

const fmt = (x: number, unit: 'pct' | 'x') => (unit === 'pct' ? `${(x * 100).toFixed(2)}%` : `${x.toFixed(2)}×`);

/**
 * Computes a gauge for one evidence item. `ruleFired` says whether the rule watching this metric is
 * among the decision's violations.
 *
 * The daily return is shown as a loss (its negation) against the loss limit, so that every gauge
 * reads the same way: a bar growing towards a limit marker. Evidence is rounded to 6 decimals while
 * rules compare exact values, so the violation list is the authority: a loss gauge is in breach
 * exactly when its rule fired. An exposure past its limit whose rule did not fire is 'reducing':
 * the order lowers that exposure, and the evaluation semantics (/docs/semantics/) say an exposure rule never blocks that.
 *
 * @example
 * ```ts
 * gauge({ metric: 'drawdown', value: 0.06, limit: 0.05 }, true).status // 'breach'
 * gauge({ metric: 'new_position_pct', value: 0.18, limit: 0.05 }, false).status // 'reducing'
 * ```
 */
export function gauge(e: Evidence, ruleFired: boolean): Gauge {
  const meta = META[e.metric];
  const isLoss = e.metric === 'daily_return';
  // Shown quantity and threshold, both as non-negative "how much" numbers.
  const shown = isLoss ? Math.max(0, -e.value) : Math.abs(e.value);
  const valueText = isLoss ? lossText(e.value) : fmt(e.value, meta.unit);
  if (e.limit === null) {
    return {
      metric: e.metric,
      ruleId: meta.ruleId,
      label: meta.label,
      status: 'unchecked',
      valueText,
      limitText: 'no limit',
      marginText: '',
      fillPct: shown > 0 ? 50 : 0,
      limitPct: null,
    };
  }
  const threshold = Math.abs(e.limit);
  let status: Gauge['status'];
  if (ruleFired) status = 'breach';
  else if (e.metric === 'daily_return' || e.metric === 'drawdown') status = 'headroom';
  else status = e.value > e.limit ? 'reducing' : 'headroom';
  const scale = Math.max(threshold * 1.25, shown * 1.05, Number.MIN_VALUE);
  const margin = Math.abs(threshold - shown);
  let marginText: string;
  if (status === 'headroom') marginText = `headroom ${fmt(margin, meta.unit)}`;
  else if (margin === 0) marginText = 'at the limit';
  else if (status === 'breach') marginText = `over by ${fmt(margin, meta.unit)}`;
  else marginText = `over by ${fmt(margin, meta.unit)}, but this order lowers it`;
  return {
    metric: e.metric,
    ruleId: meta.ruleId,
    label: meta.label,
    status,
    valueText,
    limitText: isLoss ? `${fmt(threshold, 'pct')} loss` : fmt(e.limit, meta.unit),
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
