// The rules reference, as data: one entry per rule id the engine can report, in evaluation order,
// each with an example the docs' rules page shows and rules-reference.test.ts evaluates with the
// real engine (the inputs shown are the inputs evaluated, and the decision shown is the one checked).

/** The inputs of a rule's example and the decision they give. */
export interface RuleExample {
  /** YAML merged into the seed policy (deep merge, maps only); absent = the seed policy as it is. */
  policyPatch?: string;
  /** Fields that replace those of the example's base intent, portfolio, market and execution state. */
  intent?: Record<string, unknown>;
  portfolio?: Record<string, unknown>;
  market?: Record<string, unknown>;
  execution?: Record<string, unknown>;
  /** What the engine answers. */
  expected: {
    decision: 'ALLOW' | 'MODIFY' | 'DENY';
    /** The violations' rule ids, in order. */
    rules: string[];
    /** The message of this rule's violation (SYS-002: its start). */
    message: string;
    killSwitchTriggered: boolean;
    modifiedQty?: number;
  };
}

/** One rule as the reference page describes it. */
export interface RuleReference {
  id: string;
  domain: 'System' | 'Kill switch' | 'Loss' | 'Execution' | 'Order' | 'Exposure';
  severity: 'CRIT' | 'HIGH';
  /** The policy DSL version that introduced it. */
  since: '0.1' | '0.2';
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
  example: RuleExample;
}

/** The base of every example: a 10-share AAPL buy at 200 on a flat 100,000 account, checked at 14:30. */
export const EXAMPLE_BASE = {
  intent: {
    intent_id: 'order-001',
    timestamp: '2026-02-18T14:30:00Z',
    strategy_id: 'momentum_v1',
    account_id: 'acct_1',
    instrument: { symbol: 'AAPL', asset_class: 'equity' },
    side: 'buy',
    order_type: 'market',
    qty: 10,
    limit_price: null,
  },
  portfolio: { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: {} },
  market: { timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200, MSFT: 400 } },
  execution: {},
} as const;

/** The inputs of an example: the base with the example's fields replaced. */
export function exampleInputs(example: RuleExample) {
  return {
    intent: { ...EXAMPLE_BASE.intent, ...example.intent },
    portfolio: { ...EXAMPLE_BASE.portfolio, ...example.portfolio },
    market: { ...EXAMPLE_BASE.market, ...example.market },
    execution: { ...EXAMPLE_BASE.execution, ...example.execution },
  };
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
    since: '0.1',
    trigger:
      'A symbol that needs a price has none, or a price that is not a finite number > 0. The symbols that need one: the order’s symbol, then every other symbol held with a non-zero quantity (sorted).',
    limits: [],
    message: "Missing or invalid price for symbol 'SYM'.",
    effect: 'DENY at once, in enforce and monitor mode; one violation per symbol; no evidence. Fail-closed: exposure cannot be measured without prices.',
    preset: 'missing-price',
    example: {
      portfolio: { positions: { TSLA: 10 } },
      expected: { decision: 'DENY', rules: ['SYS-001'], message: "Missing or invalid price for symbol 'TSLA'.", killSwitchTriggered: false },
    },
  },
  {
    id: 'SYS-002',
    domain: 'System',
    severity: 'CRIT',
    since: '0.1',
    trigger:
      'The evaluation itself failed: a malformed input object, a number that is not finite or out of range, a metric that cannot be computed; under a v0.2 policy also a timestamp it needs that cannot be read.',
    limits: ['defaults.decision'],
    message: 'Evaluation error: …',
    effect: 'The policy’s defaults.decision (deny unless the policy says allow); an unreadable timestamp always denies. The engine never throws: errors are decisions.',
    example: {
      portfolio: { equity: 0 },
      expected: { decision: 'DENY', rules: ['SYS-002'], message: 'Evaluation error: ', killSwitchTriggered: false },
    },
  },
  {
    id: 'SYS-003',
    domain: 'System',
    severity: 'CRIT',
    since: '0.2',
    trigger: 'The market snapshot is older than max_price_age_seconds: intent timestamp − market timestamp > the limit (in microseconds; a snapshot newer than the order is never stale).',
    limits: ['market_data.max_price_age_seconds'],
    message: 'Market data is {age:.3f}s old (limit {max}s).',
    effect: 'DENY at once, in enforce and monitor mode, with no evidence: prices that old cannot be trusted (fail-closed).',
    preset: 'stale-quote',
    example: {
      policyPatch: 'version: "0.2"\nlimits:\n  market_data:\n    max_price_age_seconds: 5\n',
      market: { timestamp: '2026-02-18T14:29:50Z' },
      expected: { decision: 'DENY', rules: ['SYS-003'], message: 'Market data is 10.000s old (limit 5s).', killSwitchTriggered: false },
    },
  },
  {
    id: 'KILL-001',
    domain: 'Kill switch',
    severity: 'CRIT',
    since: '0.1',
    trigger: 'execution.kill_switch_active is true (with kill_switch.reduce_only in v0.2: not for an order that only reduces its position).',
    limits: [],
    message: 'Kill switch is active — all orders denied.',
    effect: 'DENY.',
    preset: 'kill-switch-active',
    example: {
      execution: { kill_switch_active: true },
      expected: { decision: 'DENY', rules: ['KILL-001'], message: 'Kill switch is active — all orders denied.', killSwitchTriggered: false },
    },
  },
  {
    id: 'LOSS-001',
    domain: 'Loss',
    severity: 'HIGH',
    since: '0.1',
    trigger: 'daily_return ≤ −daily_loss_limit_pct, where daily_return = (equity − start_of_day_equity) / start_of_day_equity.',
    limits: ['loss.daily_loss_limit_pct'],
    message: 'Daily loss {daily_return:.4f} breaches limit -{limit:.4f}.',
    effect: 'DENY.',
    preset: 'daily-loss',
    example: {
      portfolio: { equity: 97500 },
      expected: { decision: 'DENY', rules: ['LOSS-001'], message: 'Daily loss -0.0250 breaches limit -0.0200.', killSwitchTriggered: false },
    },
  },
  {
    id: 'LOSS-002',
    domain: 'Loss',
    severity: 'CRIT',
    since: '0.1',
    trigger: 'drawdown ≥ max_drawdown_pct, where drawdown = (peak_equity − equity) / peak_equity.',
    limits: ['loss.max_drawdown_pct'],
    message: 'Drawdown {drawdown:.4f} breaches limit {limit:.4f}.',
    effect: 'DENY. With LOSS-002 in kill_switch.trip_on_rules (as in the seed policy), kill_switch_triggered is true.',
    preset: 'drawdown',
    example: {
      portfolio: { equity: 94000, start_of_day_equity: 94000 },
      expected: { decision: 'DENY', rules: ['LOSS-002'], message: 'Drawdown 0.0600 breaches limit 0.0500.', killSwitchTriggered: true },
    },
  },
  {
    id: 'EXEC-001',
    domain: 'Execution',
    severity: 'HIGH',
    since: '0.1',
    trigger: 'orders_last_60s_global ≥ max_orders_per_minute_global.',
    limits: ['execution.max_orders_per_minute_global'],
    message: 'Global rate {n} orders/min exceeds limit {limit}.',
    effect: 'DENY.',
    example: {
      execution: { orders_last_60s_global: 20 },
      expected: { decision: 'DENY', rules: ['EXEC-001'], message: 'Global rate 20 orders/min exceeds limit 20.', killSwitchTriggered: false },
    },
  },
  {
    id: 'EXEC-002',
    domain: 'Execution',
    severity: 'HIGH',
    since: '0.1',
    trigger: 'orders_last_60s_by_strategy[strategy_id] ≥ max_orders_per_minute_by_strategy (0 when the strategy is not listed).',
    limits: ['execution.max_orders_per_minute_by_strategy'],
    message: "Strategy '{strategy_id}' rate {n} orders/min exceeds limit {limit}.",
    effect: 'DENY.',
    preset: 'rate-limit',
    example: {
      execution: { orders_last_60s_by_strategy: { momentum_v1: 10 } },
      expected: { decision: 'DENY', rules: ['EXEC-002'], message: "Strategy 'momentum_v1' rate 10 orders/min exceeds limit 10.", killSwitchTriggered: false },
    },
  },
  {
    id: 'EXEC-003',
    domain: 'Execution',
    severity: 'HIGH',
    since: '0.2',
    trigger:
      'A recent order (execution.recent_orders) has the same account, strategy, symbol, side, order type, qty and limit price, and was sent within duplicate_window_seconds before the order (t_intent − window < t_recent ≤ t_intent).',
    limits: ['execution.duplicate_window_seconds'],
    message: "Duplicate of order '{intent_id}' within {window}s.",
    effect: 'DENY (never reduced). The latest matching order is the one reported.',
    preset: 'duplicate-order',
    example: {
      policyPatch: 'version: "0.2"\nlimits:\n  execution:\n    duplicate_window_seconds: 10\n',
      execution: {
        recent_orders: [
          {
            intent_id: 'order-000',
            timestamp: '2026-02-18T14:29:55Z',
            account_id: 'acct_1',
            strategy_id: 'momentum_v1',
            symbol: 'AAPL',
            side: 'buy',
            order_type: 'market',
            qty: 10,
            limit_price: null,
          },
        ],
      },
      expected: { decision: 'DENY', rules: ['EXEC-003'], message: "Duplicate of order 'order-000' within 10s.", killSwitchTriggered: false },
    },
  },
  {
    id: 'ORD-001',
    domain: 'Order',
    severity: 'HIGH',
    since: '0.2',
    trigger: 'qty > max_order_qty.',
    limits: ['order.max_order_qty'],
    message: 'Order qty {qty} exceeds limit {max}.',
    effect: 'DENY (an order over a size limit is an error, not a smaller order).',
    preset: 'fat-finger',
    example: {
      policyPatch: 'version: "0.2"\nlimits:\n  order:\n    max_order_qty: 5\n',
      expected: { decision: 'DENY', rules: ['ORD-001'], message: 'Order qty 10 exceeds limit 5.', killSwitchTriggered: false },
    },
  },
  {
    id: 'ORD-002',
    domain: 'Order',
    severity: 'HIGH',
    since: '0.2',
    trigger:
      'order_notional > max_order_notional, where order_notional = qty × order_price × multiplier and order_price is the market price, or for a priced limit order the larger of the market and the limit price.',
    limits: ['order.max_order_notional'],
    message: 'Order notional {n:.2f} exceeds limit {max:.2f}.',
    effect: 'DENY.',
    preset: 'order-notional',
    example: {
      policyPatch: 'version: "0.2"\nlimits:\n  order:\n    max_order_notional: 1500\n',
      expected: { decision: 'DENY', rules: ['ORD-002'], message: 'Order notional 2000.00 exceeds limit 1500.00.', killSwitchTriggered: false },
    },
  },
  {
    id: 'ORD-003',
    domain: 'Order',
    severity: 'HIGH',
    since: '0.2',
    trigger: 'A priced limit order reaches further past the market than price_collar_pct: buy (limit − price) / price, sell (price − limit) / price.',
    limits: ['order.price_collar_pct'],
    message: 'Limit price {limit} is {deviation:.4f} beyond the market price {price} (collar {c:.4f}).',
    effect: 'DENY.',
    preset: 'price-collar',
    example: {
      policyPatch: 'version: "0.2"\nlimits:\n  order:\n    price_collar_pct: 0.05\n',
      intent: { order_type: 'limit', limit_price: 220 },
      expected: {
        decision: 'DENY',
        rules: ['ORD-003'],
        message: 'Limit price 220 is 0.1000 beyond the market price 200 (collar 0.0500).',
        killSwitchTriggered: false,
      },
    },
  },
  {
    id: 'ORD-004',
    domain: 'Order',
    severity: 'CRIT',
    since: '0.2',
    trigger: 'The order’s symbol is listed in restricted_symbols (exact, case-sensitive).',
    limits: ['order.restricted_symbols'],
    message: "Symbol '{SYM}' is restricted.",
    effect: 'DENY.',
    preset: 'restricted-symbol',
    example: {
      policyPatch: 'version: "0.2"\nlimits:\n  order:\n    restricted_symbols: [GME]\n',
      intent: { instrument: { symbol: 'GME', asset_class: 'equity' } },
      market: { prices: { AAPL: 200, MSFT: 400, GME: 25 } },
      expected: { decision: 'DENY', rules: ['ORD-004'], message: "Symbol 'GME' is restricted.", killSwitchTriggered: false },
    },
  },
  {
    id: 'ORD-005',
    domain: 'Order',
    severity: 'HIGH',
    since: '0.2',
    trigger: 'The symbol has a lot_size in instruments and qty is not a whole number of lots.',
    limits: ['instruments.SYM.lot_size'],
    message: 'Order qty {qty} is not a multiple of the lot size {lot}.',
    effect: 'DENY.',
    preset: 'odd-lot',
    example: {
      policyPatch: 'version: "0.2"\ninstruments:\n  AAPL: {lot_size: 1}\n',
      intent: { qty: 10.5 },
      expected: { decision: 'DENY', rules: ['ORD-005'], message: 'Order qty 10.5 is not a multiple of the lot size 1.', killSwitchTriggered: false },
    },
  },
  {
    id: 'EXP-001',
    domain: 'Exposure',
    severity: 'HIGH',
    since: '0.1',
    trigger: 'new_position_pct > max_position_pct and the order grows the position (|new qty| > |current qty|), where new_position_pct = |new qty × price × multiplier| / equity.',
    limits: ['exposure.max_position_pct'],
    message: 'Position {new_position_pct:.4f} breaches limit {limit:.4f}.',
    effect:
      'MODIFY when it is the only violation and some quantity fits under the cap: the order is cut to allowed_qty (never raised; symmetric for shorts; whole lots with a lot_size). Otherwise DENY.',
    preset: 'position-cap',
    example: {
      intent: { qty: 100 },
      expected: { decision: 'MODIFY', rules: ['EXP-001'], message: 'Position 0.2000 breaches limit 0.0500.', killSwitchTriggered: false, modifiedQty: 25 },
    },
  },
  {
    id: 'EXP-002',
    domain: 'Exposure',
    severity: 'HIGH',
    since: '0.1',
    trigger: 'gross_exposure_x > max_gross_exposure_x and the order raises gross exposure. Gross = Σ|qty × price| / equity, after the order.',
    limits: ['exposure.max_gross_exposure_x'],
    message: 'Gross exposure {gross:.4f}x breaches limit {limit:.4f}x.',
    effect: 'DENY.',
    preset: 'gross-breach',
    example: {
      intent: { qty: 25 },
      portfolio: { positions: { MSFT: 250, IBM: -390 } },
      market: { prices: { AAPL: 200, MSFT: 400, IBM: 250 } },
      expected: { decision: 'DENY', rules: ['EXP-002'], message: 'Gross exposure 2.0250x breaches limit 2.0000x.', killSwitchTriggered: false },
    },
  },
  {
    id: 'EXP-003',
    domain: 'Exposure',
    severity: 'HIGH',
    since: '0.1',
    trigger: 'max_net_exposure_x is set, net_exposure_x > it, and the order raises net exposure. Net = |Σ qty × price| / equity, after the order.',
    limits: ['exposure.max_net_exposure_x'],
    message: 'Net exposure {net:.4f}x breaches limit {limit:.4f}x.',
    effect: 'DENY.',
    preset: 'net-breach',
    example: {
      intent: { qty: 25 },
      portfolio: { positions: { MSFT: 240 } },
      expected: { decision: 'DENY', rules: ['EXP-003'], message: 'Net exposure 1.0100x breaches limit 1.0000x.', killSwitchTriggered: false },
    },
  },
];

/** Every rule id of the policy DSL v0.2, in the fixed evaluation order. */
export const RULE_ORDER: readonly string[] = RULES_REFERENCE.map((r) => r.id);
