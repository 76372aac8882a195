// Presets that tell the story of the rules, all under the seed README's policy
// (reference-policy.ts, byte for byte tests/fixtures/conformance/reference-policy.yaml; a test keeps them equal).
// Each preset states the decision it must produce; presets.test.ts and the end-to-end tests check
// that the real engine produces exactly that.
import { REFERENCE_POLICY_TEXT as referencePolicy } from './reference-policy';
import type { Workspace } from './workspace';

/** What a preset must evaluate to. */
export interface PresetExpectation {
  decision: 'ALLOW' | 'MODIFY' | 'DENY';
  /** The rule ids of the violations, in order. */
  rules: string[];
  killSwitchTriggered: boolean;
  /** For MODIFY: the quantity the order is reduced to. */
  modifiedQty?: number;
}

/** A named starting point for the playground. */
export interface Preset {
  id: string;
  title: string;
  /** One or two sentences: what happens and which rule makes it happen. */
  story: string;
  expect: PresetExpectation;
  workspace: Workspace;
}

/**
 * The seed README's policy text, unchanged.
 *
 * @example
 * ```ts
 * (await PolicyEngine.fromYaml(REFERENCE_POLICY)).policyHash // '656efd27…'
 * ```
 */
export const REFERENCE_POLICY: string = referencePolicy;

/**
 * The seed policy switched to monitor mode (log violations, always ALLOW) — the only change.
 *
 * @example
 * ```ts
 * (await PolicyEngine.fromYaml(MONITOR_POLICY)).policy.defaults.mode // 'monitor'
 * ```
 */
export const MONITOR_POLICY: string = (() => {
  const from = 'mode: "enforce"    # or "monitor"';
  if (!referencePolicy.includes(from)) throw new Error('reference policy no longer contains its mode line');
  return referencePolicy.replace(from, 'mode: "monitor"    # was "enforce"');
})();

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

interface Scenario {
  side?: 'buy' | 'sell';
  symbol?: string;
  qty: number;
  equity?: number;
  startOfDayEquity?: number;
  peakEquity?: number;
  positions?: Record<string, number>;
  prices?: Record<string, number>;
  execution?: Record<string, unknown>;
  policy?: string;
}

const PRICES = { AAPL: 200, MSFT: 400, QQQ: 450, SPY: 500 };

function workspace(s: Scenario, id: string): Workspace {
  const timestamp = '2026-02-18T14:30:00Z';
  return {
    policy: s.policy ?? REFERENCE_POLICY,
    intent: json({
      intent_id: `order-${id}`,
      timestamp,
      strategy_id: 'momentum_v1',
      account_id: 'acct_1',
      instrument: { symbol: s.symbol ?? 'AAPL', asset_class: 'equity' },
      side: s.side ?? 'buy',
      order_type: 'market',
      qty: s.qty,
      limit_price: null,
    }),
    portfolio: json({
      equity: s.equity ?? 100000,
      start_of_day_equity: s.startOfDayEquity ?? 100000,
      peak_equity: s.peakEquity ?? 100000,
      positions: s.positions ?? {},
      realized_pnl_today: 0,
      unrealized_pnl: 0,
    }),
    market: json({ timestamp, prices: s.prices ?? PRICES }),
    execution: json({
      orders_last_60s_global: 0,
      orders_last_60s_by_strategy: {},
      violations_last_window: [],
      kill_switch_active: false,
      ...s.execution,
    }),
  };
}

function preset(id: string, title: string, story: string, expect: PresetExpectation, scenario: Scenario): Preset {
  return { id, title, story, expect, workspace: workspace(scenario, id) };
}

/**
 * Every preset, in the order the playground lists them. The first is loaded by default.
 *
 * @example
 * ```ts
 * const result = await evaluateWorkspace(PRESETS[0].workspace)
 * ```
 */
export const PRESETS: readonly Preset[] = [
  preset(
    'small-buy',
    'Small buy → ALLOW',
    'Buy 10 AAPL at $200 with $100,000 equity: a 2% position, well inside the 5% AAPL cap. Every gauge shows headroom.',
    { decision: 'ALLOW', rules: [], killSwitchTriggered: false },
    { qty: 10 },
  ),
  preset(
    'position-cap',
    'Position cap → MODIFY',
    'The seed README’s order: buy 100 AAPL = 20% of equity. The symbol override caps AAPL at 5%, so EXP-001 reduces the order to 25 shares.',
    { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25 },
    { qty: 100 },
  ),
  preset(
    'gross-breach',
    'Gross exposure breach → DENY',
    'A hedged book already at 1.98× gross (long SPY, short QQQ). Buying 10 MSFT takes gross to 2.02× against a 2× limit: EXP-002 denies it.',
    { decision: 'DENY', rules: ['EXP-002'], killSwitchTriggered: false },
    { symbol: 'MSFT', qty: 10, positions: { QQQ: -220, SPY: 198 } },
  ),
  preset(
    'net-breach',
    'Net exposure breach → DENY',
    'Long 95% of equity in SPY. Buying 20 MSFT takes net exposure to 1.03× against a 1× limit: EXP-003 denies it.',
    { decision: 'DENY', rules: ['EXP-003'], killSwitchTriggered: false },
    { symbol: 'MSFT', qty: 20, positions: { SPY: 190 } },
  ),
  preset(
    'daily-loss',
    'Daily loss limit → DENY',
    'Equity fell from $100,000 to $97,500 today: −2.5% against a −2% daily loss limit. LOSS-001 denies new orders.',
    { decision: 'DENY', rules: ['LOSS-001'], killSwitchTriggered: false },
    { qty: 10, equity: 97500 },
  ),
  preset(
    'drawdown',
    'Drawdown → DENY + kill switch',
    'Equity is 6% below its peak against a 5% drawdown limit. LOSS-002 (CRIT) denies the order, and because the policy lists LOSS-002 in trip_on_rules, kill_switch_triggered is true.',
    { decision: 'DENY', rules: ['LOSS-002'], killSwitchTriggered: true },
    { qty: 10, equity: 94000, startOfDayEquity: 95000 },
  ),
  preset(
    'kill-switch-active',
    'Kill switch active → DENY',
    'The execution state says the kill switch is active. KILL-001 denies every order, however small, until it is reset.',
    { decision: 'DENY', rules: ['KILL-001'], killSwitchTriggered: false },
    { qty: 1, execution: { kill_switch_active: true } },
  ),
  preset(
    'rate-limit',
    'Strategy order rate → DENY',
    'momentum_v1 has sent 10 orders in the last 60 seconds, its per-strategy limit. EXEC-002 throttles it.',
    { decision: 'DENY', rules: ['EXEC-002'], killSwitchTriggered: false },
    { qty: 10, execution: { orders_last_60s_global: 12, orders_last_60s_by_strategy: { momentum_v1: 10 } } },
  ),
  preset(
    'monitor-mode',
    'Monitor mode → ALLOW, violations logged',
    'The same 100-share AAPL order under the policy switched to mode "monitor": the EXP-001 violation is reported, but the order is allowed (shadow-running a policy).',
    { decision: 'ALLOW', rules: ['EXP-001'], killSwitchTriggered: false },
    { qty: 100, policy: MONITOR_POLICY },
  ),
  preset(
    'missing-price',
    'Missing price → DENY (fail-closed)',
    'The portfolio holds TSLA but the market snapshot has no TSLA price, so exposure cannot be measured. SYS-001 denies the order (in monitor mode too); the engine checks every held symbol, not only the one traded.',
    { decision: 'DENY', rules: ['SYS-001'], killSwitchTriggered: false },
    { qty: 10, positions: { TSLA: 40 } },
  ),
  preset(
    'de-risking-sell',
    'De-risking sell over the cap → ALLOW',
    'Long 100 AAPL = 20% of equity, four times the 5% cap. Selling 10 still leaves 18%, but it lowers the position, and an exposure rule never blocks an order that reduces what it measures.',
    { decision: 'ALLOW', rules: [], killSwitchTriggered: false },
    { side: 'sell', qty: 10, positions: { AAPL: 100 } },
  ),
];

/**
 * Looks a preset up by id.
 *
 * @example
 * ```ts
 * findPreset('position-cap')?.expect.modifiedQty // 25
 * ```
 */
export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
