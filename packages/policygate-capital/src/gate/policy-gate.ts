// PolicyGate: the engine with its own execution state — order windows, the kill switch, positions,
// marks and incrementally maintained exposure — so that a trading UI or a strategy loop gets the
// same decisions as the pure `evaluate` without counting anything itself.
//
// Design (README "Stateful gate"):
// - Time is the intents' timestamps, never the wall clock, so replaying a stream reproduces it. The
//   gate's clock is the latest timestamp seen; an intent stamped earlier is checked at the clock
//   (clamped), which counts at least every order an exact placement would and holds new ones at
//   least as long: out-of-order streams err on the side of throttling.
// - An order at time t counts for a check at time s iff s − 60 s < t ≤ s (violations likewise with
//   violation_window_seconds).
// - The gate owns the market state. `check(intent, market)` with a snapshot object it has not seen
//   makes that snapshot its marks (O(symbols), once; the snapshot is frozen so that editing it in
//   place cannot leave the gate on stale prices unnoticed); passing the same object again, or no
//   market, costs nothing. `updatePrices` changes single marks in O(1) each.
// - Gross and net exposure are exact sums kept incrementally (see exposure-book.ts): a check is
//   O(1) in the number of positions and bit-identical to `evaluate` on the same state.
//
// The class is a facade over its parts (parts.ts), each concern its own module: the check pipeline
// (check.ts), order windows, kill switch, exposure book, equity figures (account.ts), market, the
// max-qty solver, argument validation (inputs.ts) and the snapshot codec (snapshot.ts).
import { buildAuditEvent, type AuditEventOptions } from '../audit/event.js';
import type { AuditEvent } from '../audit/schema.js';
import type { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import { PolicyGateError, ValidationError } from '../errors.js';
import { parseMarketSnapshot, parsePortfolioState } from '../model/parse.js';
import type { ExecutionState, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { compilePolicy } from '../policy/compile.js';
import { ENGINE_VERSION } from '../version.js';
import { CheckPipeline } from './check.js';
import { parseEquityUpdate, parseFill, parseInstant, parseMaxQtyArgs, parsePriceUpdate } from './inputs.js';
import type { KillSwitchState } from './kill-switch.js';
import { solveMaxQty } from './max-qty.js';
import { executionAt, maxQtyInput, newParts, restoredParts, stateOf, type GateParts } from './parts.js';
import { decodeGateSnapshot, encodeGateSnapshot, type GateSnapshot } from './snapshot.js';
import { parseTimestampUs } from './time.js';
import type { EquityUpdate, Fill, GateCheck, MaxQty, MaxQtyOptions, PolicyGateOptions, RestoreOptions } from './types.js';

export type { EquityUpdate, Fill, GateCheck, MaxQty, MaxQtyOptions, PolicyGateOptions, RestoreOptions } from './types.js';

const keepDecision = (decision: Decision): Decision => decision;

/**
 * A stateful pre-trade gate: evaluates orders like {@link evaluate} while keeping the execution
 * state itself — orders per 60 s globally and per strategy (sliding windows on the intents'
 * timestamps), the kill switch (tripped by a decision's `kill_switch_triggered` or by
 * `trip_after_n_violations` violations within `violation_window_seconds`, latched until
 * {@link PolicyGate.resetKillSwitch}), positions (fills), marks and equity.
 *
 * A check costs O(1) in the number of positions: exposure is kept incrementally with exact sums,
 * so decisions are bit-identical to `evaluate` on the state the gate reports ({@link
 * PolicyGate.checkDetailed}).
 *
 * @example
 * ```ts
 * const engine = await PolicyEngine.fromYaml(policyYaml)
 * const gate = new PolicyGate(engine, { portfolio })
 * const d = gate.check(intent, market) // counted in the windows if ALLOW/MODIFY
 * if (d.decision !== 'DENY') broker.send(d.modified_intent ?? intent)
 * gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.1 })
 * ```
 */
export class PolicyGate {
  /** The engine (policy and hash) this gate enforces. */
  readonly engine: PolicyEngine;
  /** Whether ALLOW/MODIFY decisions are counted in the windows as soon as they are made. */
  readonly autoRecord: boolean;

  // Replaced whole by `restore` (a restored gate gets windows and a kill switch built from the
  // snapshot); every other change goes through the parts' own methods.
  private parts: GateParts;
  private readonly pipeline = new CheckPipeline();

  /**
   * Creates a gate for `engine`'s policy, optionally with a starting portfolio and market.
   *
   * @throws {ValidationError} when the portfolio or market is malformed (with the field's path).
   */
  constructor(engine: PolicyEngine, options: PolicyGateOptions = {}) {
    const compiled = compilePolicy(engine.policy);
    if (compiled instanceof Error) throw new PolicyGateError('ERR_POLICY', compiled.message);
    this.engine = engine;
    this.autoRecord = options.autoRecord ?? true;
    this.parts = newParts(compiled, this.autoRecord);
    if (options.portfolio !== undefined) this.setPortfolio(options.portfolio);
    if (options.market !== undefined) this.setMarket(options.market);
  }

  // ---------------------------------------------------------------- checks

  /**
   * Decides one order on the gate's state (never throws; errors are decisions, as in `evaluate`).
   * `market`, when given, becomes the gate's market (see the class notes: a new object is adopted
   * and frozen, the same object again is free); omitted, the gate's current marks are used.
   *
   * Afterwards the decision's violations count toward the kill switch, a `kill_switch_triggered`
   * decision trips it, and (with `autoRecord`) an ALLOW/MODIFY is counted in the order windows.
   * While the switch is tripped every order is denied (KILL-001; SYS-001/SYS-002 come first, as in
   * `evaluate`), in enforce mode. An intent whose timestamp is not RFC 3339 is denied with SYS-002
   * whatever `defaults.decision` says: it cannot be placed in the windows.
   *
   * @example
   * ```ts
   * const d = gate.check(intent, market)
   * if (d.decision === 'MODIFY') send(d.modified_intent)
   * ```
   */
  check(intent: OrderIntent, market?: MarketSnapshot): Decision {
    return this.pipeline.run(this.parts, intent, market, keepDecision);
  }

  /**
   * Like {@link PolicyGate.check}, and also returns the state the decision was made on — the
   * portfolio, the marks and the execution state as they were at the check — for audit trails and
   * debugging. The positions and the prices are frozen records, the same objects from one check to
   * the next until a fill, a price or a portfolio changes them: O(1) between changes (O(positions)
   * for the first check after one), and an audit sink serializes each such record once.
   *
   * @example
   * ```ts
   * const { decision, execution } = gate.checkDetailed(intent, market)
   * console.log(execution.orders_last_60s_global, execution.kill_switch_active)
   * ```
   */
  checkDetailed(intent: OrderIntent, market?: MarketSnapshot): GateCheck {
    return this.pipeline.run(this.parts, intent, market, (decision, at) => ({
      decision,
      intent,
      portfolio: this.parts.account.record(this.parts.book.sharedPositions()),
      market: this.parts.market.record(this.parts.clock.us, true),
      execution: executionAt(this.parts, at),
    }));
  }

  /**
   * Counts a checked order in the order windows (for gates created with `autoRecord: false`): call
   * it when the order is actually sent. The order counts at its check's time. Returns false for a
   * DENY (nothing to count).
   *
   * @throws {PolicyGateError} `ERR_GATE_AUTO_RECORD` when the gate records automatically;
   *   `ERR_GATE_NOT_PENDING` when there is no unrecorded ALLOW/MODIFY check for this intent id
   *   (already recorded, never checked by this gate, or checked more than 60 s before the clock —
   *   check it again).
   * @example
   * ```ts
   * const gate = new PolicyGate(engine, { portfolio, autoRecord: false })
   * const d = gate.check(intent, market)
   * if (userConfirms(d)) { broker.send(intent); gate.record(d) }
   * ```
   */
  record(decision: Decision): boolean {
    if (this.autoRecord) {
      throw new PolicyGateError('ERR_GATE_AUTO_RECORD', 'This gate counts orders automatically; create it with autoRecord: false to record them yourself.');
    }
    if (decision.decision === 'DENY') return false;
    const { windows, clock } = this.parts;
    const p = windows.release(decision.intent_id, clock.us);
    if (p === undefined) {
      throw new PolicyGateError(
        'ERR_GATE_NOT_PENDING',
        `No unrecorded ALLOW/MODIFY check for intent '${decision.intent_id}': already recorded, not checked by this gate, or checked more than 60 s ago (check it again).`,
      );
    }
    windows.add(p.us, p.strategy);
    if (p.order !== null) this.parts.recent.add(parseTimestampUs(p.order.timestamp), p.order);
    return true;
  }

  /**
   * The audit event of a check (docs: /docs/audit/), built with `buildAuditEvent` from the state
   * the check was decided on: the execution state is the gate's as it was at the check (order
   * counts, violations in the window, the kill switch), so replaying the event with the pure engine
   * reproduces the gate's decision.
   *
   * @throws {ValidationError} when `options.timestamp` or `options.eventId` is malformed.
   * @example
   * ```ts
   * const check = gate.checkDetailed(intent, market)
   * await sink.append(gate.auditEvent(check, { runId: 'live-1' }))
   * if (check.decision.decision !== 'DENY') send(check.decision.modified_intent ?? intent)
   * ```
   */
  auditEvent(check: GateCheck, options: AuditEventOptions = {}): AuditEvent {
    return buildAuditEvent(check.decision, check.intent, check.portfolio, check.market, check.execution, this.engine.policyHash, options);
  }

  // ---------------------------------------------------------------- state changes
  // Each validates its argument and computes every derived value before changing anything: a
  // refused call leaves the gate as it was, and every state a gate accepts can be snapshotted.

  /**
   * Replaces the whole portfolio (equity figures and positions). O(positions).
   *
   * @throws {ValidationError} naming each malformed field, e.g. `positions.AAPL: must be a finite number`.
   * @example
   * ```ts
   * gate.setPortfolio({ equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: { AAPL: 100 } })
   * ```
   */
  setPortfolio(portfolio: PortfolioState): void {
    const p = parsePortfolioState(portfolio);
    this.parts.book.replacePositions(p.positions);
    this.parts.account.set(p);
  }

  /**
   * Updates equity figures in O(1). Raising `equity` above `peak_equity` also raises the peak (a
   * high-water mark), unless `peak_equity` is given too: a forgotten peak would understate drawdown.
   *
   * @throws {ValidationError} for a malformed or unknown field; {@link PolicyGateError}
   *   `ERR_GATE_NO_PORTFOLIO` before any portfolio was set.
   * @example
   * ```ts
   * gate.updateEquity({ equity: 97_500 }) // after a mark-to-market from the broker
   * ```
   */
  updateEquity(update: EquityUpdate): void {
    const u = parseEquityUpdate(update);
    this.requirePortfolio();
    const account = this.parts.account;
    account.set(account.updated(u));
  }

  /**
   * Applies a fill: the position moves by ±qty, and the symbol is marked at the fill price (the
   * latest trade known for it) until the next market snapshot or `updatePrices`. O(1). Equity is
   * not changed: it is the broker's figure (`updateEquity`). Returns the new position.
   *
   * @throws {ValidationError} naming each malformed field, or `qty` when the new position would not be
   *   a finite number (nothing is changed then); {@link PolicyGateError}
   *   `ERR_GATE_NO_PORTFOLIO` before any portfolio was set.
   * @example
   * ```ts
   * gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 }) // → 125
   * ```
   */
  applyFill(fill: Fill): number {
    const f = parseFill(fill);
    this.requirePortfolio();
    const book = this.parts.book;
    const qty = book.qty(f.symbol) + (f.side === 'buy' ? f.qty : -f.qty);
    if (!Number.isFinite(qty)) {
      throw new ValidationError('fill', [{ path: 'qty', message: `would make the ${f.symbol} position ${qty}, not a finite number (it holds ${book.qty(f.symbol)})` }]);
    }
    book.setQty(f.symbol, qty);
    book.setPrice(f.symbol, f.price);
    return qty;
  }

  /**
   * Changes some marks in O(1) each, keeping the others (a streaming price feed); `timestamp`, when
   * given, becomes the market snapshot's timestamp. A zero or negative price is accepted and counts
   * as missing (SYS-001), as in a snapshot.
   *
   * @throws {ValidationError} naming each malformed price.
   * @example
   * ```ts
   * gate.updatePrices({ AAPL: 201.25 }, '2026-02-18T14:30:01Z')
   * gate.check(intent) // uses the updated marks
   * ```
   */
  updatePrices(prices: Record<string, number>, timestamp?: string): void {
    this.parts.market.tick(parsePriceUpdate(prices, timestamp), timestamp);
  }

  /**
   * Makes a validated snapshot the gate's market (all marks replaced). `check(intent, market)` does
   * the same without validation.
   *
   * @throws {ValidationError} naming each malformed field.
   * @example
   * ```ts
   * gate.setMarket({ timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200 } })
   * ```
   */
  setMarket(market: MarketSnapshot): void {
    this.parts.market.adopt(parseMarketSnapshot(market));
  }

  /**
   * Resets a tripped kill switch. The reset is recorded in the switch's history with `reason` and
   * the time (`at`, default the gate's clock); violations counted so far are cleared, since the
   * reset acknowledges them. Returns false, recording nothing, when the switch was not tripped.
   *
   * @throws {ValidationError} when `reason` is empty or `at` is not an RFC 3339 timestamp.
   * @example
   * ```ts
   * if (gate.killSwitch.active) gate.resetKillSwitch('risk desk: drawdown reviewed (J. Doe)')
   * ```
   */
  resetKillSwitch(reason: string, at?: string): boolean {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ValidationError('kill switch reset', [{ path: 'reason', message: 'must be a non-empty string saying who reset it and why' }]);
    }
    const clock = this.parts.clock;
    const now = at === undefined ? clock.us : clock.advance(parseInstant('kill switch reset', 'at', at));
    return this.parts.kill.reset(now, reason);
  }

  private requirePortfolio(): void {
    if (!this.parts.account.present) throw new PolicyGateError('ERR_GATE_NO_PORTFOLIO', 'The gate has no portfolio yet: pass one to the constructor or call setPortfolio.');
  }

  // ---------------------------------------------------------------- queries

  /**
   * The largest quantity of `symbol` that every size rule (ORD-001 order qty and ORD-002 order
   * notional under a v0.2 policy, EXP-001 position, EXP-002 gross, EXP-003 net) would allow right
   * now, and the rule that binds — for an order ticket's "you can buy up to N". Consistent with
   * `check`: an order of exactly `qty` gets no size violation, and one lot more gets the `binding`
   * one (computed in closed form, then confirmed with the rules themselves). One lot more is the
   * next multiple of `lot`; `qty + lot` in floating point can fall an ulp short of it, and of the
   * limit. The default lot is the instrument's `lot_size`. `blockedBy` lists rules that would deny
   * the order whatever its size (missing prices, stale market data, kill switch, loss, throttles, a
   * duplicate, the collar, a restricted symbol, an odd lot). `market`, when given, is adopted as by
   * `check`.
   *
   * @throws {ValidationError} for a malformed argument; {@link PolicyGateError}
   *   `ERR_GATE_NO_PORTFOLIO` before any portfolio was set.
   * @example
   * ```ts
   * const { qty, binding } = gate.maxQty('AAPL', 'buy', market, { lot: 1 })
   * ticket.hint = `You can buy up to ${qty} AAPL (${binding})`
   * ```
   */
  maxQty(symbol: string, side: 'buy' | 'sell', market?: MarketSnapshot, options: MaxQtyOptions = {}): MaxQty {
    const args = parseMaxQtyArgs(symbol, side, options);
    this.requirePortfolio();
    if (market !== undefined && !this.parts.market.isCurrent(market)) {
      try {
        this.parts.market.adopt(market);
      } catch (e) {
        throw new ValidationError('market', [{ path: 'prices', message: (e as Error).message }]);
      }
    }
    const lot = args.lot ?? this.parts.compiled.instruments.get(args.symbol)?.lotSize ?? 1e-8;
    return solveMaxQty(maxQtyInput(this.parts, args.symbol, args.side, args.strategyId, lot, { limitPrice: args.limitPrice, accountId: args.accountId }));
  }

  /** The gate's clock: the latest intent timestamp seen (RFC 3339 UTC), null before the first check. */
  get clock(): string | null {
    return this.parts.clock.format();
  }

  /**
   * The current portfolio (a copy; positions without zero entries), or null before one is set.
   *
   * @example
   * ```ts
   * console.log(gate.portfolio?.positions.AAPL)
   * ```
   */
  get portfolio(): PortfolioState | null {
    return this.parts.account.present ? this.portfolioRecord() : null;
  }

  /**
   * The current market state (a copy): the adopted snapshot's timestamp and every mark.
   *
   * @example
   * ```ts
   * console.log(gate.market.prices.AAPL)
   * ```
   */
  get market(): MarketSnapshot {
    return this.parts.market.record(this.parts.clock.us);
  }

  /**
   * The kill switch: whether it is tripped, since when and why, and its history of trips and resets.
   *
   * @example
   * ```ts
   * if (gate.killSwitch.active) banner(gate.killSwitch.reason)
   * ```
   */
  get killSwitch(): KillSwitchState {
    return this.parts.kill.state();
  }

  /**
   * The execution state at the gate's clock, in the wire format `evaluate` takes: orders in the
   * last 60 s globally and per strategy, violations in the kill switch's window, and the switch.
   *
   * @example
   * ```ts
   * const exec = gate.executionState()
   * console.log(`${exec.orders_last_60s_global} orders in the last minute`)
   * ```
   */
  executionState(): ExecutionState {
    return executionAt(this.parts, this.parts.clock.us);
  }

  private portfolioRecord(): PortfolioState {
    return this.parts.account.record(this.parts.book.positionsRecord());
  }

  // ---------------------------------------------------------------- persistence

  /**
   * The whole state as plain JSON (see {@link GateSnapshot}): store it, and {@link
   * PolicyGate.restore} resumes with the same future decisions.
   *
   * @example
   * ```ts
   * await fs.writeFile('gate.json', JSON.stringify(gate.snapshot()))
   * ```
   */
  snapshot(): GateSnapshot {
    return encodeGateSnapshot({ engineVersion: ENGINE_VERSION, policyHash: this.engine.policyHash }, stateOf(this.parts));
  }

  /**
   * Resumes a gate from {@link PolicyGate.snapshot}'s output (the object or its JSON text).
   *
   * @throws {ValidationError} naming each malformed field (line and column for a JSON syntax
   *   error); {@link PolicyGateError} `ERR_GATE_POLICY_MISMATCH` when the snapshot was taken under
   *   another policy (unless `allowPolicyChange`).
   * @example
   * ```ts
   * const gate = PolicyGate.restore(engine, await fs.readFile('gate.json', 'utf8'))
   * ```
   */
  static restore(engine: PolicyEngine, snapshot: GateSnapshot | string, options: RestoreOptions = {}): PolicyGate {
    const { policyHash, state: s } = decodeGateSnapshot(snapshot);
    if (policyHash !== engine.policyHash && !options.allowPolicyChange) {
      throw new PolicyGateError(
        'ERR_GATE_POLICY_MISMATCH',
        `The snapshot was taken under policy ${policyHash}, not this engine's ${engine.policyHash}; pass allowPolicyChange: true to carry its state over.`,
      );
    }
    const gate = new PolicyGate(engine, {
      autoRecord: options.autoRecord ?? true,
      ...(s.portfolio && { portfolio: s.portfolio }),
      ...(s.market && { market: s.market }),
    });
    gate.parts = restoredParts(gate.parts, s);
    return gate;
  }
}
