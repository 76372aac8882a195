// The simulator's scenario presets: a normal day, a throttle burst, a drawdown crash. Authored
// for this playground (the Python package 0.2 ships the same three ideas as data); each states what
// must happen, and presets.test.ts runs it through the real gate to check that it does.
import { REFERENCE_POLICY_TEXT } from '../reference-policy';
import type { SimEvent, SimScenario } from './scenario';

/** A named scenario, with the story it tells and what its run must show. */
export interface ScenarioPreset {
  id: string;
  title: string;
  story: string;
  scenario: SimScenario;
  expect: {
    /** Decisions of the orders, in time order. */
    decisions: Array<'ALLOW' | 'MODIFY' | 'DENY'>;
    /** The order whose check trips the kill switch, or null when it never trips. */
    tripOrder: string | null;
  };
}

/** The seed policy made v0.2 with reduce-only halts: once halted, cutting a position still goes through. */
const CRASH_POLICY = REFERENCE_POLICY_TEXT.replace('version: "0.1"', 'version: "0.2"').replace(
  '    violation_window_seconds: 300\n',
  '    violation_window_seconds: 300\n    reduce_only: true           # a halt still lets orders that only cut a position through\n',
);

const BOOK = { AAPL: 20, MSFT: 20, NVDA: 70, SPY: 18, QQQ: 20, TSLA: 35 };
const OPEN = { AAPL: 200, MSFT: 400, NVDA: 120, SPY: 500, QQQ: 450, TSLA: 240 };
const scaled = (f: number) => Object.fromEntries(Object.entries(OPEN).map(([s, p]) => [s, Math.round(p * f * 100) / 100]));

const order = (at: string, id: string, strategy: string, symbol: string, side: 'buy' | 'sell', qty: number): SimEvent => ({ kind: 'order', at, id, strategy, symbol, side, qty });

const normalDay: SimScenario = {
  policy: REFERENCE_POLICY_TEXT,
  date: '2026-02-18',
  start: { equity: 100_000, positions: { ...BOOK }, prices: { ...OPEN } },
  events: [
    order('09:30:05', 'day-1', 'mean-rev', 'MSFT', 'buy', 2),
    order('09:45:10', 'day-2', 'trend', 'NVDA', 'buy', 10),
    { kind: 'prices', at: '10:30:00', prices: scaled(1.004) },
    order('10:31:00', 'day-3', 'mean-rev', 'AAPL', 'buy', 20),
    order('11:15:00', 'day-4', 'trend', 'SPY', 'sell', 5),
    { kind: 'prices', at: '12:00:00', prices: scaled(0.998) },
    order('13:20:30', 'day-5', 'mean-rev', 'QQQ', 'buy', 1),
    order('14:05:00', 'day-6', 'trend', 'TSLA', 'sell', 10),
    { kind: 'prices', at: '15:00:00', prices: scaled(1.006) },
    order('15:45:00', 'day-7', 'mean-rev', 'MSFT', 'sell', 4),
  ],
};

// One strategy fires 13 orders in 12 seconds: the 11th and later break its 10 orders/min
// (EXEC-002); the third violation within 300 s trips the kill switch (trip_after_n_violations).
const burstOrders: SimEvent[] = Array.from({ length: 13 }, (_, i) => order(`10:00:${String(i).padStart(2, '0')}`, `burst-${i + 1}`, 'hft', 'SPY', i % 2 ? 'sell' : 'buy', 1));
const throttleBurst: SimScenario = {
  policy: REFERENCE_POLICY_TEXT,
  date: '2026-02-18',
  start: { equity: 100_000, positions: { ...BOOK }, prices: { ...OPEN } },
  events: [
    order('09:59:30', 'calm-1', 'trend', 'MSFT', 'buy', 2),
    ...burstOrders,
    order('10:00:30', 'calm-2', 'trend', 'NVDA', 'buy', 5),
    { kind: 'reset', at: '10:05:00', reason: 'risk desk: hft burst reviewed, strategy throttled' },
    order('10:05:30', 'calm-3', 'trend', 'NVDA', 'buy', 5),
  ],
};

// Prices fall 3 %, 8 %, 11 %: the day's loss passes 2 % (LOSS-001 denies), then the drawdown
// passes 5 % (LOSS-002, in trip_on_rules) and the kill switch trips at that order. While halted a
// new buy is denied (KILL-001) but a sell that cuts a position goes through (reduce_only). After a
// partial recovery the desk resets the switch; the day's loss still denies new risk.
const drawdownCrash: SimScenario = {
  policy: CRASH_POLICY,
  date: '2026-02-18',
  start: { equity: 100_000, positions: { ...BOOK }, prices: { ...OPEN } },
  events: [
    order('09:35:00', 'crash-1', 'trend', 'NVDA', 'buy', 10),
    { kind: 'prices', at: '10:00:00', prices: scaled(0.97) },
    order('10:02:00', 'crash-2', 'trend', 'MSFT', 'buy', 2),
    { kind: 'prices', at: '10:20:00', prices: scaled(0.92) },
    order('10:21:00', 'crash-3', 'mean-rev', 'AAPL', 'buy', 5),
    { kind: 'prices', at: '10:40:00', prices: scaled(0.89) },
    order('10:41:00', 'crash-4', 'mean-rev', 'QQQ', 'buy', 2),
    order('10:42:00', 'crash-5', 'trend', 'SPY', 'buy', 1),
    order('10:43:00', 'crash-6', 'trend', 'TSLA', 'sell', 15),
    { kind: 'prices', at: '11:30:00', prices: scaled(0.95) },
    { kind: 'reset', at: '11:45:00', reason: 'risk desk: drawdown reviewed, book cut' },
    order('11:50:00', 'crash-7', 'trend', 'NVDA', 'buy', 5),
    order('11:55:00', 'crash-8', 'trend', 'NVDA', 'sell', 20),
  ],
};

/**
 * The three scenario presets, in the order the simulator lists them.
 *
 * @example
 * ```ts
 * const crash = SCENARIOS.find((s) => s.id === 'drawdown-crash')!
 * ```
 */
export const SCENARIOS: readonly ScenarioPreset[] = [
  {
    id: 'normal-day',
    title: 'A normal day',
    story: 'Seven orders spread over the day, small price moves: everything passes except one AAPL buy that the 5 % AAPL cap cuts down (MODIFY).',
    scenario: normalDay,
    expect: { decisions: ['ALLOW', 'ALLOW', 'MODIFY', 'ALLOW', 'ALLOW', 'ALLOW', 'ALLOW'], tripOrder: null },
  },
  {
    id: 'throttle-burst',
    title: 'A throttle burst',
    story:
      'A strategy fires 13 orders in 13 seconds: the 11th and later break its 10 orders a minute (EXEC-002), and the third violation within 300 s trips the kill switch, which halts every strategy until the desk resets it.',
    scenario: throttleBurst,
    expect: { decisions: ['ALLOW', ...Array<'ALLOW'>(10).fill('ALLOW'), 'DENY', 'DENY', 'DENY', 'DENY', 'ALLOW'], tripOrder: 'burst-13' },
  },
  {
    id: 'drawdown-crash',
    title: 'A drawdown crash',
    story:
      'Prices fall 3 %, 8 %, then 11 %: the daily loss limit denies new buys (LOSS-001), the 5 % drawdown (LOSS-002) trips the kill switch at crash-4, a reducing sell still passes (reduce_only), and after the desk resets the switch the day’s loss keeps denying new risk.',
    scenario: drawdownCrash,
    expect: { decisions: ['ALLOW', 'ALLOW', 'DENY', 'DENY', 'DENY', 'ALLOW', 'DENY', 'ALLOW'], tripOrder: 'crash-4' },
  },
];

/**
 * The preset with this id, or undefined.
 *
 * @example
 * ```ts
 * findScenario('throttle-burst')?.title // 'A throttle burst'
 * ```
 */
export function findScenario(id: string): ScenarioPreset | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
