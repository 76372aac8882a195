// The public shapes of an explanation (explainDecision). TypeScript names are camelCase: an
// explanation is the SDK's own answer, not a wire record of the Python package; the decision inside
// it is the wire Decision, unchanged.
import type { Decision, EvidenceMetric } from '../engine/types.js';

/**
 * Where a section in effect came from: a symbol override, a strategy override, the policy's
 * `limits`, its `instruments` (DSL v0.2) or its `defaults`.
 */
export type SourceOrigin = 'symbol-override' | 'strategy-override' | 'limits' | 'instruments' | 'defaults';

/**
 * One policy setting that shaped a decision: the resolved section, the key, the value in effect and,
 * when the policy text is known, where the key is written.
 *
 * @example
 * ```ts
 * const s: LimitSource = {
 *   section: 'overrides.symbols.AAPL.exposure', key: 'max_position_pct',
 *   path: 'overrides.symbols.AAPL.exposure.max_position_pct', origin: 'symbol-override',
 *   value: 0.05, written: true, line: 29, column: 9,
 * }
 * ```
 */
export interface LimitSource {
  /**
   * The resolved section, as a path: `overrides.symbols.AAPL.exposure`,
   * `overrides.strategies.momentum_v1.loss`, `limits.exposure`, `limits.order`,
   * `limits.market_data`, `limits.kill_switch`, `instruments.ES`, `defaults`. Keys that are not
   * identifiers are bracketed: `overrides.symbols["BTC-USD"].exposure`.
   */
  section: string;
  /** The key inside the section (`max_position_pct`), or a list item (`restricted_symbols[0]`, `trip_on_rules[1]`). */
  key: string;
  /** `section` and `key` joined: the full path of the setting. */
  path: string;
  origin: SourceOrigin;
  /** The value in effect (the default when the key is not written; null = unchecked). */
  value: unknown;
  /**
   * Whether the key is written in the policy text; false for a default or an absent (unchecked)
   * limit, whose `line`/`column` then point at the nearest enclosing key that is written. Null when
   * the policy text is not known.
   */
  written: boolean | null;
  /** 1-based line of the key in the policy's YAML text; null when the text is not known (or nothing enclosing is written). */
  line: number | null;
  /** 1-based column of the key, counted in code points (as every `Issue` counts them); null with `line`. */
  column: number | null;
}

/**
 * Why one violation fired: the limit it compared against and where that limit came from.
 *
 * @example
 * ```ts
 * const v: ViolationExplanation = explanation.violations[0]!
 * console.log(v.text) // "EXP-001: max_position_pct 0.05 from overrides.symbols.AAPL.exposure (line 29, column 9)"
 * ```
 */
export interface ViolationExplanation {
  /** Index in `decision.violations`. */
  index: number;
  ruleId: string;
  /** The policy setting the rule compared against; null when the rule has none (SYS-001, KILL-001, an evaluation error). */
  source: LimitSource | null;
  /**
   * Other settings that shaped it: an instrument's `multiplier` (exposure rules, ORD-002) and
   * `lot_size` (EXP-001's allowed quantity), `limits.kill_switch.reduce_only` (a halt applied to an
   * order that does not only reduce its position), the `trip_on_rules` entry when the rule trips the
   * kill switch.
   */
  related: LimitSource[];
  /** The state field the rule read, when that and not a limit decided it (`execution.kill_switch_active`, `market.prices.AAPL`); null otherwise. */
  input: string | null;
  /** One line for people. */
  text: string;
}

/**
 * Where one evidence item's limit came from.
 *
 * @example
 * ```ts
 * explanation.evidence.map((e) => `${e.metric}: ${e.source?.path}`)
 * ```
 */
export interface EvidenceExplanation {
  /** Index in `decision.evidence`. */
  index: number;
  metric: EvidenceMetric;
  value: number | null;
  limit: number | null;
  /** The setting behind `limit` (its `value` is null when the limit is unchecked). */
  source: LimitSource;
  text: string;
}

/**
 * Why the decision is the kind it is:
 * - `no-violations` — ALLOW, nothing fired;
 * - `monitor-mode` — ALLOW with violations: `defaults.mode` is monitor;
 * - `reduced` — MODIFY: every violation is EXP-001 and it allows a quantity > 0;
 * - `deny-not-modify` — DENY although EXP-001 allows a quantity > 0: another rule fired too;
 * - `nothing-allowed` — DENY: EXP-001 alone fired and allows nothing (`allowed_qty` 0);
 * - `denied` — DENY: rules other than EXP-001 fired;
 * - `denied-at-once` — DENY before any rule: missing prices (SYS-001), an unreadable timestamp or stale market data (SYS-002/SYS-003);
 * - `evaluation-error` — SYS-002: the input or a metric could not be evaluated; the decision is `defaults.decision`.
 */
export type OutcomeReason = 'no-violations' | 'monitor-mode' | 'reduced' | 'deny-not-modify' | 'nothing-allowed' | 'denied' | 'denied-at-once' | 'evaluation-error';

/**
 * Why ALLOW, MODIFY or DENY.
 *
 * @example
 * ```ts
 * if (explanation.outcome.reason === 'deny-not-modify') console.log(explanation.outcome.text)
 * ```
 */
export interface DecisionOutcome {
  reason: OutcomeReason;
  /** One or two sentences for people; `deny-not-modify` quotes the decision rule. */
  text: string;
  /** The setting behind it: `defaults.mode` (monitor mode), `defaults.decision` (an evaluation error); else null. */
  source: LimitSource | null;
  /** `deny-not-modify`, `reduced`, `nothing-allowed`: EXP-001's `allowed_qty`; else null. */
  allowedQty: number | null;
  /** `deny-not-modify`: the rules besides EXP-001 that make the order a DENY, in order; else empty. */
  blocking: string[];
}

/**
 * A halt that `kill_switch.reduce_only` (DSL v0.2) lifted for this order: it would have fired, but
 * the order only reduces its position.
 *
 * @example
 * ```ts
 * for (const h of explanation.liftedHalts) console.log(`${h.ruleId} lifted by ${h.source.path}`)
 * ```
 */
export interface LiftedHalt {
  ruleId: 'KILL-001' | 'LOSS-001' | 'LOSS-002';
  source: LimitSource;
}

/**
 * An explanation of one decision (see {@link explainDecision}).
 *
 * @example
 * ```ts
 * const { decision, outcome, violations } = explainDecision(engine, intent, portfolio, market, execution, { policyText })
 * ```
 */
export interface Explanation {
  /** The decision, exactly as `engine.evaluate` gives it for the same inputs. */
  decision: Decision;
  outcome: DecisionOutcome;
  /** One per `decision.violations` item, in the same order. */
  violations: ViolationExplanation[];
  /** One per `decision.evidence` item, in the same order. */
  evidence: EvidenceExplanation[];
  /** When `kill_switch_triggered`: the `trip_on_rules` entries of the violations that set it. */
  killSwitch: LimitSource[];
  /**
   * Every limit in effect for this order, by the rule that checks it, whether or not the rule fired
   * (`limits['EXEC-001']` is `max_orders_per_minute_global` of the resolved execution section): for
   * gauges of what has not fired yet. Rules without a setting for this order (order controls with no
   * `order` section, a symbol without an instrument entry, v0.1's missing v0.2 sections) are absent;
   * empty when the intent is too malformed to resolve sections.
   */
  limits: Partial<Record<string, LimitSource>>;
  /** Halts lifted by `reduce_only` for this order (DSL v0.2); usually empty. */
  liftedHalts: LiftedHalt[];
  /** Whether `line`/`column` are known (the policy text was given). */
  positions: boolean;
}

/**
 * Options of {@link explainDecision}.
 *
 * @example
 * ```ts
 * explainDecision(engine, intent, portfolio, market, execution, { policyText: yamlText })
 * ```
 */
export interface ExplainOptions {
  /**
   * The YAML text the engine was built from (`PolicyEngine.fromYaml(policyText)`): gives every
   * source its line and column. Checked against `engine.policyHash` (a different text throws).
   * Without it, lines and columns are null.
   */
  policyText?: string;
}
