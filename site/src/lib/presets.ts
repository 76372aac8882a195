// Presets that tell the story of the rules: the v0.1 ones under the seed README's policy
// (reference-policy.ts, byte for byte tests/fixtures/conformance/reference-policy.yaml; a test keeps them equal),
// the v0.2 ones under V02_POLICY, the same policy with the DSL v0.2 sections added.
// Each preset states the decision it must produce; presets.test.ts and the end-to-end tests check
// that the real engine produces exactly that.
import { REFERENCE_POLICY_TEXT as referencePolicy } from './reference-policy';
import { EDITOR_IDS, type Workspace } from './workspace';

/** What a preset must evaluate to. */
export interface PresetExpectation {
  decision: 'ALLOW' | 'MODIFY' | 'DENY';
  /** The rule ids of the violations, in order. */
  rules: string[];
  killSwitchTriggered: boolean;
  /** For MODIFY: the quantity the order is reduced to. */
  modifiedQty?: number;
}

/**
 * Which policy DSL a preset shows: `'0.1'` the seed policy's nine rules, `'0.2'` the order controls,
 * instruments, stale-data and duplicate checks and reduce-only halts of DSL v0.2.
 */
export type PresetGroup = '0.1' | '0.2';

/** A named starting point for the playground. */
export interface Preset {
  id: string;
  /** The list it appears in; a v0.2 preset runs under {@link V02_POLICY}. */
  group: PresetGroup;
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

/** Replaces `from` by `to` in `text`, and fails loudly when the seed policy no longer has `from`. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`reference policy no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/**
 * The seed policy as a DSL v0.2 policy: its version line says "0.2", and the v0.2 sections are added
 * (a duplicate window, reduce-only halts, order controls, a market-data age limit, instruments and
 * an order override for the ES future). Every line of the seed policy is still there, unchanged.
 *
 * @example
 * ```ts
 * (await PolicyEngine.fromYaml(V02_POLICY)).policy.instruments.get('ES')?.multiplier // 50
 * ```
 */
export const V02_POLICY: string = [
  (t: string) => edit(t, 'version: "0.1"', 'version: "0.2"'),
  (t: string) => edit(t, '    max_orders_per_minute_by_strategy: 10\n', '    max_orders_per_minute_by_strategy: 10\n    duplicate_window_seconds: 10     # same order again within 10s: deny\n'),
  (t: string) =>
    edit(
      t,
      '    violation_window_seconds: 300\n',
      [
        '    violation_window_seconds: 300',
        '    reduce_only: true             # halted: orders that only reduce a position still pass',
        '  order:',
        '    max_order_qty: 1000           # fat-finger size check',
        '    max_order_notional: 250000    # no single order over 250,000',
        '    price_collar_pct: 0.05        # a limit price at most 5% through the market',
        '    restricted_symbols: ["GME"]',
        '  market_data:',
        '    max_price_age_seconds: 5      # prices older than 5s: deny',
        '',
        'instruments:',
        '  ES: {multiplier: 50, lot_size: 1}   # E-mini S&P 500 future: 50 x the index',
        '  AAPL: {lot_size: 1}                 # whole shares only',
        '',
      ].join('\n'),
    ),
  (t: string) =>
    edit(
      t,
      '        max_net_exposure_x: 1.0\n  strategies: {}\n',
      [
        '        max_net_exposure_x: 1.0',
        '    ES:',
        '      order:                      # futures desk: limits in contracts',
        '        max_order_qty: 10',
        '        max_order_notional: 1000000',
        '  strategies: {}',
        '',
      ].join('\n'),
    ),
].reduce((text, change) => change(text), referencePolicy);

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

interface Scenario {
  side?: 'buy' | 'sell';
  symbol?: string;
  assetClass?: 'equity' | 'crypto' | 'fx' | 'futures';
  qty: number;
  /** A priced limit order at this price; absent = a market order. */
  limitPrice?: number;
  equity?: number;
  startOfDayEquity?: number;
  peakEquity?: number;
  positions?: Record<string, number>;
  prices?: Record<string, number>;
  /** The market snapshot's timestamp; absent = the order's own. */
  marketTimestamp?: string;
  execution?: Record<string, unknown>;
  policy?: string;
}

const PRICES = { AAPL: 200, MSFT: 400, QQQ: 450, SPY: 500 };

/** When every preset's order is checked. */
const ORDER_TIME = '2026-02-18T14:30:00Z';

function workspace(s: Scenario, id: string): Workspace {
  return {
    policy: s.policy ?? REFERENCE_POLICY,
    intent: json({
      intent_id: `order-${id}`,
      timestamp: ORDER_TIME,
      strategy_id: 'momentum_v1',
      account_id: 'acct_1',
      instrument: { symbol: s.symbol ?? 'AAPL', asset_class: s.assetClass ?? 'equity' },
      side: s.side ?? 'buy',
      order_type: s.limitPrice === undefined ? 'market' : 'limit',
      qty: s.qty,
      limit_price: s.limitPrice ?? null,
    }),
    portfolio: json({
      equity: s.equity ?? 100000,
      start_of_day_equity: s.startOfDayEquity ?? 100000,
      peak_equity: s.peakEquity ?? 100000,
      positions: s.positions ?? {},
      realized_pnl_today: 0,
      unrealized_pnl: 0,
    }),
    market: json({ timestamp: s.marketTimestamp ?? ORDER_TIME, prices: s.prices ?? PRICES }),
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
  return { id, group: '0.1', title, story, expect, workspace: workspace(scenario, id) };
}

// The v0.2 presets: a 5,000,000 account under V02_POLICY, so that an order can reach the 250,000
// notional limit without also breaching the 10% position cap (500,000).
const V02_EQUITY = 5_000_000;
const V02_PRICES = { AAPL: 200, MSFT: 400, SPY: 500, F: 12, GME: 25, ES: 5000 };

function presetV02(id: string, title: string, story: string, expect: PresetExpectation, scenario: Scenario): Preset {
  const account = { equity: V02_EQUITY, startOfDayEquity: V02_EQUITY, peakEquity: V02_EQUITY };
  const ws = workspace({ policy: V02_POLICY, prices: V02_PRICES, ...account, ...scenario }, id);
  return { id, group: '0.2', title, story, expect, workspace: ws };
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
  presetV02(
    'fat-finger',
    'Fat finger → DENY',
    'Meant to buy 1,000 F at $12, typed 10,000. The order is only 2.4% of equity, so no exposure rule minds, but it is over the 1,000-share max_order_qty: ORD-001 denies it (a size limit never shrinks an order into a smaller one).',
    { decision: 'DENY', rules: ['ORD-001'], killSwitchTriggered: false },
    { symbol: 'F', qty: 10000 },
  ),
  presetV02(
    'order-notional',
    'Order notional → DENY',
    'Buy 700 MSFT at $400: 280,000 in one order, against a max_order_notional of 250,000. The position (5.6%) is inside its cap; ORD-002 denies the order for its size in money.',
    { decision: 'DENY', rules: ['ORD-002'], killSwitchTriggered: false },
    { symbol: 'MSFT', qty: 700 },
  ),
  presetV02(
    'price-collar',
    'Limit price through the collar → DENY',
    'A limit buy of 100 AAPL at $220 while AAPL trades at $200: the limit reaches 10% past the market, twice the 5% price_collar_pct. ORD-003 denies it (a typo in the price, or a stale price on the desk).',
    { decision: 'DENY', rules: ['ORD-003'], killSwitchTriggered: false },
    { qty: 100, limitPrice: 220 },
  ),
  presetV02(
    'restricted-symbol',
    'Restricted symbol → DENY',
    'GME is on the policy’s restricted_symbols list. ORD-004 (CRIT) denies any order in it, of any size.',
    { decision: 'DENY', rules: ['ORD-004'], killSwitchTriggered: false },
    { symbol: 'GME', qty: 100 },
  ),
  presetV02(
    'duplicate-order',
    'Duplicate order → DENY',
    'The same buy of 100 AAPL (same account, strategy, side, type and qty) was sent 4 seconds ago, and the execution state lists it in recent_orders. Within the 10-second duplicate_window_seconds, EXEC-003 denies the repeat (a retry loop, a double click).',
    { decision: 'DENY', rules: ['EXEC-003'], killSwitchTriggered: false },
    {
      qty: 100,
      execution: {
        orders_last_60s_global: 1,
        orders_last_60s_by_strategy: { momentum_v1: 1 },
        recent_orders: [
          {
            intent_id: 'order-duplicate-order-first',
            timestamp: '2026-02-18T14:29:56Z',
            account_id: 'acct_1',
            strategy_id: 'momentum_v1',
            symbol: 'AAPL',
            side: 'buy',
            order_type: 'market',
            qty: 100,
            limit_price: null,
          },
        ],
      },
    },
  ),
  presetV02(
    'stale-quote',
    'Stale quote → DENY (fail-closed)',
    'The market snapshot was taken at 14:29:50, the order at 14:30:00: its prices are 10 seconds old against a 5-second max_price_age_seconds. SYS-003 denies at once (in monitor mode too), before any exposure is computed from those prices.',
    { decision: 'DENY', rules: ['SYS-003'], killSwitchTriggered: false },
    { qty: 10, marketTimestamp: '2026-02-18T14:29:50Z' },
  ),
  presetV02(
    'reduce-only',
    'Reduce-only: closing sell while halted → ALLOW',
    'The kill switch is active after a 6% drawdown, but the policy says reduce_only: true. Selling the whole 800-share AAPL position only reduces it, so KILL-001 and LOSS-002 are not applied and the exit goes through; a buy would still be denied.',
    { decision: 'ALLOW', rules: [], killSwitchTriggered: false },
    { side: 'sell', qty: 800, equity: 4_700_000, startOfDayEquity: 4_700_000, positions: { AAPL: 800 }, execution: { kill_switch_active: true } },
  ),
  presetV02(
    'futures-multiplier',
    'ES future, 50× multiplier → MODIFY',
    'Buy 3 ES at 5,000. Counted as 3 × 5,000 it would be 0.3% of equity; with its multiplier of 50 it is 750,000, a 15% position against the 10% cap. EXP-001 cuts the order to the 2 contracts that fit, and every gauge shows the real exposure.',
    { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 2 },
    { symbol: 'ES', assetClass: 'futures', qty: 3 },
  ),
  presetV02(
    'whole-lots',
    'MODIFY rounded to whole lots',
    'Long 1,000 AAPL at $210; buying 300 more would make AAPL 5.46% of equity against its 5% cap. EXP-001 cuts the order to what fits: 190.47619048 shares under v0.1, an order no broker takes. AAPL’s lot_size of 1 rounds it down to 190 shares.',
    { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 190 },
    { qty: 300, positions: { AAPL: 1000 }, prices: { ...V02_PRICES, AAPL: 210 } },
  ),
  presetV02(
    'odd-lot',
    'Odd lot → DENY',
    'Buy 12.5 AAPL: AAPL trades in whole shares (lot_size: 1), and ORD-005 denies a quantity that is not a whole number of lots rather than send an order the broker rejects.',
    { decision: 'DENY', rules: ['ORD-005'], killSwitchTriggered: false },
    { qty: 12.5 },
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

/**
 * The preset groups, in the order the playground shows them, each with its heading.
 *
 * @example
 * ```ts
 * for (const g of PRESET_GROUPS) console.log(g.title, PRESETS.filter((p) => p.group === g.group).length)
 * ```
 */
export const PRESET_GROUPS: readonly { group: PresetGroup; title: string }[] = [
  { group: '0.1', title: 'Seed policy (DSL v0.1)' },
  { group: '0.2', title: 'DSL v0.2: order controls, instruments, stale data, duplicates, reduce-only' },
];

/**
 * The preset whose five texts are exactly those of a workspace (a shared link of an unedited preset).
 *
 * @example
 * ```ts
 * matchPreset(findPreset('odd-lot')!.workspace)?.id // 'odd-lot'
 * ```
 */
export function matchPreset(ws: Workspace): Preset | undefined {
  return PRESETS.find((p) => EDITOR_IDS.every((id) => p.workspace[id] === ws[id]));
}
