// The rules reference, as data: one entry per rule id the engine can report, in evaluation order.
// rules-reference.test.ts keeps it in step with the SDK's RULE_IDS and the presets it links to.

/** One rule as the reference page describes it. */
export interface RuleReference {
  id: string;
  domain: 'System' | 'Kill switch' | 'Loss' | 'Execution' | 'Exposure';
  severity: 'CRIT' | 'HIGH';
  /** The exact condition under which it fires. */
  trigger: string;
  /** The policy fields it reads (resolved with overrides). */
  limits: string[];
  /** The message, with the placeholders the engine fills in. */
  message: string;
  /** What it does to the decision in enforce mode. */
  effect: string;
  /** A preset that shows it, if any. */
  preset?: string;
}

/**
 * Every rule, in the fixed evaluation order.
 *
 * @example
 * ```ts
 * RULES_REFERENCE.find((r) => r.id === 'EXP-001')?.effect
 * ```
 */
export const RULES_REFERENCE: readonly RuleReference[] = [
  {
    id: 'SYS-001',
    domain: 'System',
    severity: 'CRIT',
    trigger:
      'A symbol that needs a price has none, or a price that is not a finite number > 0. The symbols that need one: the order’s symbol, then every other symbol held with a non-zero quantity (sorted).',
    limits: [],
    message: "Missing or invalid price for symbol 'SYM'.",
    effect: 'DENY at once, in enforce and monitor mode; one violation per symbol; no evidence. Fail-closed: exposure cannot be measured without prices.',
    preset: 'missing-price',
  },
  {
    id: 'SYS-002',
    domain: 'System',
    severity: 'CRIT',
    trigger: 'The evaluation itself failed: a malformed input object, a number that is not finite, a metric that cannot be computed.',
    limits: ['defaults.decision'],
    message: 'Evaluation error: …',
    effect: 'The policy’s defaults.decision (deny unless the policy says allow). The engine never throws: errors are decisions.',
  },
  {
    id: 'KILL-001',
    domain: 'Kill switch',
    severity: 'CRIT',
    trigger: 'execution.kill_switch_active is true.',
    limits: [],
    message: 'Kill switch is active — all orders denied.',
    effect: 'DENY.',
    preset: 'kill-switch-active',
  },
  {
    id: 'LOSS-001',
    domain: 'Loss',
    severity: 'HIGH',
    trigger: 'daily_return ≤ −daily_loss_limit_pct, where daily_return = (equity − start_of_day_equity) / start_of_day_equity.',
    limits: ['loss.daily_loss_limit_pct'],
    message: 'Daily loss {daily_return:.4f} breaches limit -{limit:.4f}.',
    effect: 'DENY.',
    preset: 'daily-loss',
  },
  {
    id: 'LOSS-002',
    domain: 'Loss',
    severity: 'CRIT',
    trigger: 'drawdown ≥ max_drawdown_pct, where drawdown = (peak_equity − equity) / peak_equity.',
    limits: ['loss.max_drawdown_pct'],
    message: 'Drawdown {drawdown:.4f} breaches limit {limit:.4f}.',
    effect: 'DENY. With LOSS-002 in kill_switch.trip_on_rules (as in the seed policy), kill_switch_triggered is true.',
    preset: 'drawdown',
  },
  {
    id: 'EXEC-001',
    domain: 'Execution',
    severity: 'HIGH',
    trigger: 'orders_last_60s_global ≥ max_orders_per_minute_global.',
    limits: ['execution.max_orders_per_minute_global'],
    message: 'Global rate {n} orders/min exceeds limit {limit}.',
    effect: 'DENY.',
  },
  {
    id: 'EXEC-002',
    domain: 'Execution',
    severity: 'HIGH',
    trigger: 'orders_last_60s_by_strategy[strategy_id] ≥ max_orders_per_minute_by_strategy.',
    limits: ['execution.max_orders_per_minute_by_strategy'],
    message: "Strategy '{strategy_id}' rate {n} orders/min exceeds limit {limit}.",
    effect: 'DENY.',
    preset: 'rate-limit',
  },
  {
    id: 'EXP-001',
    domain: 'Exposure',
    severity: 'HIGH',
    trigger:
      'new_position_pct > max_position_pct and the order grows the position (|new qty| > |current qty|), where new_position_pct = |new qty × price| / equity.',
    limits: ['exposure.max_position_pct'],
    message: 'Position {new_position_pct:.4f} breaches limit {limit:.4f}.',
    effect:
      'MODIFY when it is the only violation and some quantity fits under the cap: the order is cut to allowed_qty (never raised; symmetric for shorts). Otherwise DENY.',
    preset: 'position-cap',
  },
  {
    id: 'EXP-002',
    domain: 'Exposure',
    severity: 'HIGH',
    trigger: 'gross_exposure_x > max_gross_exposure_x and the order raises gross exposure. Gross = Σ|qty × price| / equity, after the order.',
    limits: ['exposure.max_gross_exposure_x'],
    message: 'Gross exposure {gross:.4f}x breaches limit {limit:.4f}x.',
    effect: 'DENY.',
    preset: 'gross-breach',
  },
  {
    id: 'EXP-003',
    domain: 'Exposure',
    severity: 'HIGH',
    trigger:
      'max_net_exposure_x is set, net_exposure_x > it, and the order raises net exposure. Net = |Σ qty × price| / equity, after the order.',
    limits: ['exposure.max_net_exposure_x'],
    message: 'Net exposure {net:.4f}x breaches limit {limit:.4f}x.',
    effect: 'DENY.',
    preset: 'net-breach',
  },
];
