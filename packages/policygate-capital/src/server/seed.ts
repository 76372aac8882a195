// A gate that starts from the wire-format state documents the Python service takes: a portfolio, a
// market snapshot and an execution state (order counts, recent violations, the kill switch).
import { PolicyGate, parseExecutionState, ValidationError, type ExecutionState, type GateSnapshot, type MarketSnapshot, type PolicyEngine, type PortfolioState } from '../index.js';

/** The documents a service starts from. */
export interface GateSeed {
  portfolio: PortfolioState;
  market?: MarketSnapshot;
  /** Counts and violations to start with; default the empty execution state. */
  execution?: ExecutionState;
}

/**
 * Creates a gate whose first decision equals `evaluate(intent, policy, portfolio, market,
 * execution)` (for an intent stamped at or after the market's timestamp). The execution state's
 * order counts become orders placed at the market snapshot's timestamp (per strategy as given, the
 * rest of the global count under the strategy id `""`), so they leave the 60 s windows a minute
 * later, as real orders would; its violations keep their timestamps; an active kill switch starts
 * tripped (reset it with `resetKillSwitch`).
 *
 * @throws {ValidationError} for malformed documents, or order counts without a market timestamp to place them at.
 * @example
 * ```ts
 * const gate = gateFromState(engine, { portfolio, market, execution })
 * gate.check(intent) // as evaluate(intent, engine.policy, portfolio, market, execution)
 * ```
 */
export function gateFromState(engine: PolicyEngine, seed: GateSeed): PolicyGate {
  const gate = new PolicyGate(engine, { portfolio: seed.portfolio, ...(seed.market && { market: seed.market }) });
  if (seed.execution === undefined) return gate;
  const exec = parseExecutionState(seed.execution);
  const at = seed.market?.timestamp ?? null;
  const byStrategy = Object.entries(exec.orders_last_60s_by_strategy);
  const attributed = byStrategy.reduce((n, [, c]) => n + c, 0);
  const unattributed = Math.max(0, exec.orders_last_60s_global - attributed);
  if (at === null && (attributed > 0 || unattributed > 0)) {
    throw new ValidationError('execution', [{ path: 'orders_last_60s_global', message: 'order counts need a market snapshot: its timestamp is when they are placed' }]);
  }
  const s: GateSnapshot = gate.snapshot();
  s.clock = at === null ? s.clock : at;
  s.orders = [
    ...byStrategy.flatMap(([strategy, n]) => Array.from({ length: n }, () => [at!, strategy] as [string, string])),
    ...Array.from({ length: unattributed }, () => [at!, ''] as [string, string]),
  ];
  s.violations = exec.violations_last_window.map(([t, rule]) => [t, rule] as [string, string]);
  if (exec.kill_switch_active) {
    const reason = 'kill_switch_active in the starting execution state';
    s.kill_switch = { active: true, tripped_at: null, reason, history: [{ event: 'trip', at: null, reason, intent_id: null }] };
  }
  return PolicyGate.restore(engine, s);
}
