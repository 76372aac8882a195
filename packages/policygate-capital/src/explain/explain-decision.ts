// "Why this decision": for each violation and evidence item, the limit and the policy section it
// was resolved from (with its YAML line and column), and why the decision is ALLOW, MODIFY or DENY.
//
// A standalone function, not a PolicyEngine method: an app that only evaluates does not bundle it
// (nor the YAML walk it uses), and the class stays one concern. It evaluates with the engine itself,
// so the decision it explains is exactly the engine's.
import type { PolicyEngine } from '../engine/policy-engine.js';
import { onlyReduces } from '../engine/rules.js';
import type { Decision, Evidence, EvidenceMetric, Violation } from '../engine/types.js';
import { PolicyError } from '../errors.js';
import type { ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { formatPath } from '../model/issues.js';
import { compilePolicy, resolveLimits, type CompiledPolicy, type ResolvedLimits } from '../policy/compile.js';
import { sha256HexSync } from '../audit/sha256-sync.js';
import { PolicySource } from './policy-source.js';
import type { DecisionOutcome, EvidenceExplanation, ExplainOptions, Explanation, LiftedHalt, LimitSource, SourceOrigin, ViolationExplanation } from './types.js';

export type { DecisionOutcome, EvidenceExplanation, ExplainOptions, Explanation, LiftedHalt, LimitSource, OutcomeReason, SourceOrigin, ViolationExplanation } from './types.js';

/**
 * The decision rule, as SPEC.md states it (Evaluation, step 6), quoted by `deny-not-modify`.
 *
 * @example
 * ```ts
 * console.log(DECISION_RULE)
 * ```
 */
export const DECISION_RULE =
  'monitor mode → ALLOW with all violations (and modified_intent null). Enforce: no violations → ALLOW; all violations are EXP-001 and allowed_qty > 0 → MODIFY with modified_intent = the intent with qty = allowed_qty; otherwise DENY.';

/** The v0.2 addition (SPEC.md, DSL v0.2, step 7), quoted when an order control is among the blocking rules. */
const ORDER_CONTROL_RULE = 'EXEC-003 and ORD-* are never reduced (an order over a size limit is an error, not a smaller order): MODIFY only when every violation is EXP-001.';

/** A section a limit is resolved from. */
type Kind = 'exposure' | 'loss' | 'execution' | 'order' | 'market_data' | 'instrument' | 'kill_switch' | 'defaults';

/** The setting each rule compares against, and the state field it reads. */
const RULE_LIMITS: Readonly<Record<string, { kind: Kind; key: string; input?: string } | { kind: null; input: string }>> = {
  'KILL-001': { kind: null, input: 'execution.kill_switch_active' },
  'LOSS-001': { kind: 'loss', key: 'daily_loss_limit_pct' },
  'LOSS-002': { kind: 'loss', key: 'max_drawdown_pct' },
  'EXEC-001': { kind: 'execution', key: 'max_orders_per_minute_global', input: 'execution.orders_last_60s_global' },
  'EXEC-002': { kind: 'execution', key: 'max_orders_per_minute_by_strategy', input: 'execution.orders_last_60s_by_strategy' },
  'EXEC-003': { kind: 'execution', key: 'duplicate_window_seconds', input: 'execution.recent_orders' },
  'ORD-001': { kind: 'order', key: 'max_order_qty' },
  'ORD-002': { kind: 'order', key: 'max_order_notional' },
  'ORD-003': { kind: 'order', key: 'price_collar_pct' },
  'ORD-004': { kind: 'order', key: 'restricted_symbols' },
  'ORD-005': { kind: 'instrument', key: 'lot_size' },
  'EXP-001': { kind: 'exposure', key: 'max_position_pct' },
  'EXP-002': { kind: 'exposure', key: 'max_gross_exposure_x' },
  'EXP-003': { kind: 'exposure', key: 'max_net_exposure_x' },
  'SYS-001': { kind: null, input: 'market.prices' },
  'SYS-003': { kind: 'market_data', key: 'max_price_age_seconds', input: 'market.timestamp' },
};

/** The setting each evidence item's limit comes from. */
const EVIDENCE_LIMITS: Readonly<Record<EvidenceMetric, { kind: Kind; key: string }>> = {
  daily_return: { kind: 'loss', key: 'daily_loss_limit_pct' },
  drawdown: { kind: 'loss', key: 'max_drawdown_pct' },
  new_position_pct: { kind: 'exposure', key: 'max_position_pct' },
  gross_exposure_x: { kind: 'exposure', key: 'max_gross_exposure_x' },
  net_exposure_x: { kind: 'exposure', key: 'max_net_exposure_x' },
  order_qty: { kind: 'order', key: 'max_order_qty' },
  order_notional: { kind: 'order', key: 'max_order_notional' },
  limit_price_deviation: { kind: 'order', key: 'price_collar_pct' },
  price_age_seconds: { kind: 'market_data', key: 'max_price_age_seconds' },
};

const HALTS: ReadonlySet<string> = new Set(['KILL-001', 'LOSS-001', 'LOSS-002']);
const MULTIPLIED: ReadonlySet<string> = new Set(['EXP-001', 'EXP-002', 'EXP-003', 'ORD-002']);

/** The parsed text of each engine's policy (a cache keyed by the object it describes). */
const sources = new WeakMap<PolicyEngine, PolicySource>();

function sourceOf(engine: PolicyEngine, text: string | undefined): PolicySource | null {
  if (text === undefined) return null;
  const cached = sources.get(engine);
  if (cached !== undefined && cached.text === text) return cached;
  if (typeof text !== 'string' || sha256HexSync(text) !== engine.policyHash) {
    throw new PolicyError([
      { path: '', message: 'explainDecision: policyText is not the text this engine was built from (its SHA-256 differs from engine.policyHash); positions would point at the wrong lines' },
    ]);
  }
  const source = new PolicySource(text);
  sources.set(engine, source);
  return source;
}

/** The value at `keys` in the policy object, reading own properties only (keys are data). */
function valueAt(root: unknown, keys: readonly (string | number)[]): unknown {
  let node = root;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return null;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node ?? null;
}

/** Resolves sections for one order, as the engine does (the same objects: `resolveLimits`). */
class Resolver {
  readonly #compiled: CompiledPolicy;
  readonly #policy: unknown;
  readonly #source: PolicySource | null;
  readonly #symbol: string;
  readonly #strategy: string;
  #limits: ResolvedLimits | undefined;

  constructor(compiled: CompiledPolicy, source: PolicySource | null, symbol: string, strategy: string) {
    this.#compiled = compiled;
    this.#policy = compiled.policy;
    this.#source = source;
    this.#symbol = symbol;
    this.#strategy = strategy;
  }

  /** The order controls in effect (null: none apply). */
  orderSection(): ResolvedLimits['order'] {
    this.#limits ??= resolveLimits(this.#compiled, this.#symbol, this.#strategy);
    return this.#limits.order;
  }

  /** The path of the section of `kind` in effect for this order, and where it comes from. */
  section(kind: Kind): { keys: (string | number)[]; origin: SourceOrigin } {
    switch (kind) {
      case 'exposure':
      case 'loss':
      case 'execution':
      case 'order': {
        this.#limits ??= resolveLimits(this.#compiled, this.#symbol, this.#strategy);
        const inEffect = this.#limits[kind];
        // The engine's own resolution (symbol > strategy > limits), recognised by identity.
        if (inEffect !== null && this.#compiled.symbols.get(this.#symbol)?.[kind] === inEffect) return { keys: ['overrides', 'symbols', this.#symbol, kind], origin: 'symbol-override' };
        if (inEffect !== null && this.#compiled.strategies.get(this.#strategy)?.[kind] === inEffect) return { keys: ['overrides', 'strategies', this.#strategy, kind], origin: 'strategy-override' };
        return { keys: ['limits', kind], origin: 'limits' };
      }
      case 'market_data':
      case 'kill_switch':
        return { keys: ['limits', kind], origin: 'limits' };
      case 'instrument':
        return { keys: ['instruments', this.#symbol], origin: 'instruments' };
      case 'defaults':
        return { keys: ['defaults'], origin: 'defaults' };
    }
  }

  /** The setting `key` (a list index appended by `item`) of the section of `kind`. */
  source(kind: Kind, key: string, item?: number): LimitSource {
    const { keys, origin } = this.section(kind);
    const keyPath = item === undefined ? [key] : [key, item];
    const full = [...keys, ...keyPath];
    const at = this.#source?.position(full) ?? { written: null, line: null, column: null };
    return {
      section: formatPath(keys),
      key: formatPath(keyPath),
      path: formatPath(full),
      origin,
      value: valueAt(this.#policy, full),
      written: at.written,
      line: at.line,
      column: at.column,
    };
  }
}

const where = (s: LimitSource): string => `${s.path}${s.line === null ? '' : ` (line ${s.line}, column ${s.column})`}${s.written === false ? ' — not written: default or unchecked' : ''}`;

function explainViolation(v: Violation, index: number, r: Resolver | null, compiled: CompiledPolicy, intent: OrderIntent): ViolationExplanation {
  const spec = RULE_LIMITS[v.rule_id];
  const related: LimitSource[] = [];
  let source: LimitSource | null = null;
  let input: string | null = null;
  if (v.rule_id === 'SYS-001') input = formatPath(['market', 'prices', String(v.inputs.symbol)]);
  else if (spec !== undefined && r !== null) {
    if (spec.kind !== null) {
      const item = v.rule_id === 'ORD-004' ? (valueAt(compiled.policy, [...r.section('order').keys, 'restricted_symbols']) as string[] | null)?.indexOf(String(v.inputs.symbol)) : undefined;
      source = r.source(spec.kind, spec.key, item === undefined || item < 0 ? undefined : item);
    }
    input = spec.input === undefined ? null : v.rule_id === 'EXEC-002' ? formatPath(['execution', 'orders_last_60s_by_strategy', intent.strategy_id]) : spec.input;
    const symbol = intent.instrument.symbol;
    if (MULTIPLIED.has(v.rule_id) && compiled.multiplied && compiled.instruments.get(symbol)?.multiplier !== undefined && compiled.instruments.get(symbol)!.multiplier !== 1) {
      related.push(r.source('instrument', 'multiplier'));
    }
    if (v.rule_id === 'EXP-001' && (compiled.instruments.get(symbol)?.lotSize ?? null) !== null) related.push(r.source('instrument', 'lot_size'));
    if (HALTS.has(v.rule_id) && compiled.reduceOnly) related.push(r.source('kill_switch', 'reduce_only'));
  }
  if (r !== null && compiled.tripOn.has(v.rule_id)) related.push(tripEntry(r, compiled, v.rule_id));
  const limit = source === null ? '' : `: ${source.key} ${JSON.stringify(source.value)} from ${where(source)}`;
  const read = input === null ? '' : `${source === null ? ': from' : ';'} ${input}`;
  return { index, ruleId: v.rule_id, source, related, input, text: `${v.rule_id}${limit}${read}` };
}

function tripEntry(r: Resolver, compiled: CompiledPolicy, ruleId: string): LimitSource {
  const list = compiled.policy.limits.kill_switch.trip_on_rules as readonly string[];
  return r.source('kill_switch', 'trip_on_rules', list.indexOf(ruleId));
}

function explainEvidence(e: Evidence, index: number, r: Resolver): EvidenceExplanation {
  const spec = EVIDENCE_LIMITS[e.metric];
  const source = r.source(spec.kind, spec.key);
  return { index, metric: e.metric, value: e.value, limit: e.limit, source, text: `${e.metric} ${e.value} against ${e.limit === null ? 'no limit' : e.limit} from ${where(source)}` };
}

const quoted = (s: string) => `The decision rule of the spec: "${s}"`;

function outcomeOf(d: Decision, defaults: Resolver): DecisionOutcome {
  const none = { source: null, allowedQty: null, blocking: [] as string[] };
  const ids = d.violations.map((v) => v.rule_id);
  if (d.decision === 'ALLOW' && ids.length === 0) return { reason: 'no-violations', text: 'ALLOW: no rule fired.', ...none };
  if (ids[0] === 'SYS-002') {
    // An unreadable timestamp denies whatever defaults.decision says (SPEC, DSL v0.2); other errors take defaults.decision.
    if (d.decision === 'DENY' && d.violations[0]!.message.startsWith('Evaluation error: unreadable ')) {
      return { reason: 'denied-at-once', text: `DENY at once, in both modes: ${d.violations[0]!.message}`, ...none };
    }
    const source = defaults.source('defaults', 'decision');
    return { reason: 'evaluation-error', text: `${d.decision}: the order could not be evaluated (SYS-002), so the decision is defaults.decision from ${where(source)}.`, ...none, source };
  }
  if (ids[0] === 'SYS-001' || ids[0] === 'SYS-003') {
    return {
      reason: 'denied-at-once',
      text: `DENY at once, in both modes and before any rule: ${ids[0] === 'SYS-001' ? 'a symbol that needs a price has none (fail closed)' : 'the market data is stale'}.`,
      ...none,
    };
  }
  if (d.decision === 'ALLOW') {
    const source = defaults.source('defaults', 'mode');
    return {
      reason: 'monitor-mode',
      text: `ALLOW with ${ids.length} violation${ids.length === 1 ? '' : 's'} (${ids.join(', ')}): defaults.mode is monitor, from ${where(source)}; violations are reported, never enforced.`,
      ...none,
      source,
    };
  }
  const exp = d.violations.find((v) => v.rule_id === 'EXP-001');
  const allowed = exp === undefined ? null : (exp.computed.allowed_qty as number);
  if (d.decision === 'MODIFY') {
    return {
      reason: 'reduced',
      text: `MODIFY: EXP-001 is the only violation, and it allows ${allowed} (the largest quantity that keeps the position within its cap).`,
      ...none,
      allowedQty: allowed,
    };
  }
  if (exp !== undefined && ids.length === 1) {
    return { reason: 'nothing-allowed', text: 'DENY, not MODIFY: EXP-001 is the only violation, but allowed_qty is 0 (the position is already at or past its cap).', ...none, allowedQty: allowed };
  }
  const blocking = ids.filter((id) => id !== 'EXP-001');
  if (exp !== undefined && allowed !== null && allowed > 0) {
    const controls = blocking.some((id) => id === 'EXEC-003' || id.startsWith('ORD-'));
    const text = `DENY, not MODIFY: EXP-001 alone would reduce the order to ${allowed}, but ${blocking.join(', ')} also fired, and an order is reduced only when every violation is EXP-001. ${quoted(DECISION_RULE)}${controls ? ` And for DSL v0.2: "${ORDER_CONTROL_RULE}"` : ''}`;
    return { reason: 'deny-not-modify', text, source: null, allowedQty: allowed, blocking };
  }
  return {
    reason: 'denied',
    text: `DENY: ${ids.join(', ')} fired${exp !== undefined ? ' (EXP-001 allows nothing)' : ''}; only an EXP-001 alone can reduce an order instead.`,
    ...none,
    allowedQty: allowed,
  };
}

/** Every limit that applies to this order, by rule id. */
function limitsInEffect(compiled: CompiledPolicy, r: Resolver, symbol: string): Partial<Record<string, LimitSource>> {
  const out: Partial<Record<string, LimitSource>> = {};
  for (const [ruleId, spec] of Object.entries(RULE_LIMITS)) {
    if (spec.kind === null) continue;
    if (spec.kind === 'order' && r.orderSection() === null) continue;
    if (spec.kind === 'instrument' && !compiled.instruments.has(symbol)) continue;
    if ((spec.kind === 'market_data' || spec.key === 'duplicate_window_seconds') && !compiled.v02) continue;
    out[ruleId] = r.source(spec.kind, spec.key);
  }
  return out;
}

/** Halts that `reduce_only` lifted for this order: they would have fired, but the order only reduces its position. */
function liftedHalts(compiled: CompiledPolicy, d: Decision, r: Resolver, intent: OrderIntent, portfolio: PortfolioState, execution: ExecutionStateInput): LiftedHalt[] {
  if (!compiled.reduceOnly || d.evidence.length === 0) return [];
  const symbol = intent.instrument.symbol;
  const positions = portfolio.positions ?? {};
  const current = Object.prototype.hasOwnProperty.call(positions, symbol) ? (positions[symbol] as number) : 0;
  const next = intent.side === 'buy' ? current + intent.qty : current - intent.qty;
  if (!onlyReduces(current, next)) return [];
  const limits = resolveLimits(compiled, symbol, intent.strategy_id);
  // The metrics' own formulas (engine/metrics.ts), compared as the rules compare them.
  const dailyReturn = (portfolio.equity - portfolio.start_of_day_equity) / portfolio.start_of_day_equity;
  const drawdown = (portfolio.peak_equity - portfolio.equity) / portfolio.peak_equity;
  const lifted: LiftedHalt['ruleId'][] = [];
  if (execution.kill_switch_active === true) lifted.push('KILL-001');
  if (dailyReturn <= -limits.loss.daily_loss_limit_pct) lifted.push('LOSS-001');
  if (drawdown >= limits.loss.max_drawdown_pct) lifted.push('LOSS-002');
  const source = r.source('kill_switch', 'reduce_only');
  return lifted.map((ruleId) => ({ ruleId, source }));
}

/** The order's symbol and strategy when they are strings (a malformed intent is a SYS-002 decision, explained without them). */
function orderKeys(intent: OrderIntent): { symbol: string; strategy: string } | null {
  try {
    const symbol = intent.instrument.symbol;
    const strategy = intent.strategy_id;
    return typeof symbol === 'string' && typeof strategy === 'string' ? { symbol, strategy } : null;
  } catch {
    return null;
  }
}

/**
 * Evaluates an order with `engine` and explains the decision: for each violation and each evidence
 * item, the limit and the policy section it was resolved from — `overrides.symbols.AAPL.exposure`,
 * `overrides.strategies.ID.loss` or `limits.exposure`; the v0.2 `limits.order`, `instruments.SYM`,
 * `limits.market_data`, `limits.kill_switch.reduce_only` — with the key's YAML line and column when
 * `options.policyText` is given; and why the decision is ALLOW, MODIFY or DENY (`outcome`: in
 * particular "DENY, not MODIFY" when EXP-001 allows a smaller order but another rule fired too).
 *
 * The `decision` is exactly `engine.evaluate(intent, portfolio, market, execution)` (up to
 * `eval_ms`). Like `evaluate`, it does not throw on bad inputs (they are explained as SYS-002); it
 * throws a `PolicyError` only when `policyText` is not the engine's policy text.
 *
 * A standalone function rather than an `engine.explain` method, so that an app that only evaluates
 * does not bundle it (tests/package/size-budget.test.ts). Line and column need the text because the
 * engine keeps the validated policy, not its YAML; the text is checked against `engine.policyHash`.
 *
 * @throws {PolicyError} when `options.policyText` is not the text the engine was built from.
 * @example
 * ```ts
 * const engine = await PolicyEngine.fromYaml(policyText)
 * const why = explainDecision(engine, intent, portfolio, market, execution, { policyText })
 * why.decision.decision                // 'MODIFY'
 * why.violations[0]!.source!.section   // 'overrides.symbols.AAPL.exposure'
 * why.violations[0]!.source!.line      // 29
 * why.outcome.reason                   // 'reduced'
 * ```
 */
export function explainDecision(
  engine: PolicyEngine,
  intent: OrderIntent,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput = {},
  options: ExplainOptions = {},
): Explanation {
  const source = sourceOf(engine, options.policyText);
  const decision = engine.evaluate(intent, portfolio, market, execution);
  // The engine compiled its policy when it was built: this is a cache hit, the same object.
  const compiled = compilePolicy(engine.policy);
  if (compiled instanceof Error) throw compiled; // unreachable: an engine's policy is valid
  const keys = orderKeys(intent);
  const r = keys === null ? null : new Resolver(compiled, source, keys.symbol, keys.strategy);
  const defaults = r ?? new Resolver(compiled, source, '', '');
  const violations = decision.violations.map((v, k) => explainViolation(v, k, r, compiled, intent));
  const evidence = r === null ? [] : decision.evidence.map((e, k) => explainEvidence(e, k, r));
  const killSwitch =
    decision.kill_switch_triggered && r !== null ? [...new Set(decision.violations.map((v) => v.rule_id))].filter((id) => compiled.tripOn.has(id)).map((id) => tripEntry(r, compiled, id)) : [];
  return {
    decision,
    outcome: outcomeOf(decision, defaults),
    violations,
    evidence,
    killSwitch,
    limits: r === null || keys === null ? {} : limitsInEffect(compiled, r, keys.symbol),
    liftedHalts: r === null ? [] : liftedHalts(compiled, decision, r, intent, portfolio, execution),
    positions: source !== null,
  };
}
