// Runs a scenario through a real PolicyGate: each order is checked on the gate's state (windows,
// kill switch, positions, marks, equity), sent orders are filled at the current mark, price moves
// re-mark the book and the equity, resets reset the switch. The result is the blotter (one row a
// event), the timeline the charts draw and the kill-switch markers.
import { PolicyEngine, PolicyGate, parseExecutionState, type Decision, type ExecutionState, type MarketSnapshot, type OrderIntent, type PortfolioState } from 'policygate-capital';
import { type SimEvent, type SimOrder, type SimScenario, sortedEvents, timestampOf } from './scenario';

/** The account every simulated order is sent for. */
export const SIM_ACCOUNT = 'SIM-1';

/** One order's row: the gate's decision and the state it decided on (what `checkDetailed` reports). */
export interface OrderStep {
  kind: 'order';
  event: SimOrder;
  intent: OrderIntent;
  decision: Decision;
  /** The qty sent and filled (0 for a DENY). */
  filledQty: number;
  /** The fill price (the mark at the time), or null for a DENY. */
  fillPrice: number | null;
  /** Whether this check tripped the kill switch. */
  tripped: boolean;
  /** The state the gate decided on: `evaluate(intent, portfolio, market, execution)` gives the same decision. */
  state: { portfolio: PortfolioState; market: MarketSnapshot; execution: ExecutionState };
  /**
   * The decision without a gate: `evaluate` on the start-of-day portfolio and market and an empty
   * execution state — what `policygate-eval --intents` prints for this line of the exported
   * intents.jsonl (the CLI keeps no state between lines).
   */
  stateless: Decision;
}

/** A price move's or a reset's row. */
export interface OtherStep {
  kind: 'prices' | 'reset';
  event: SimEvent;
  /** For a reset: whether there was a tripped switch to reset. */
  applied: boolean;
}

/** One row of the blotter. */
export type SimStep = OrderStep | OtherStep;

/** One point of the timeline, after an event. `t` is seconds since the epoch (what uPlot plots). */
export interface TimelinePoint {
  t: number;
  equity: number;
  /** (peak − equity) / peak. */
  drawdown: number;
  /** Gross and net exposure as multiples of equity. */
  grossX: number;
  netX: number;
  /** Orders counted in the global 60 s window, and the policy's limit. */
  ordersLast60s: number;
}

/** A trip or a reset of the kill switch, at a time; a trip names the order whose check tripped it. */
export interface KillMarker {
  event: 'trip' | 'reset';
  t: number;
  at: string;
  intentId: string | null;
  reason: string;
}

/** Everything the simulator shows for a scenario. */
export interface SimRun {
  policyHash: string;
  steps: SimStep[];
  timeline: TimelinePoint[];
  markers: KillMarker[];
  /** `max_orders_per_minute_global`, drawn as the rate chart's limit. */
  rateLimit: number;
  /** `max_drawdown_pct`, drawn as the drawdown limit. */
  drawdownLimit: number;
  /** The portfolio and market at the start of the day (what the stateless export evaluates against). */
  startPortfolio: PortfolioState;
  startMarket: MarketSnapshot;
}

const seconds = (ts: string) => Date.parse(ts) / 1000;

function mark(prices: Record<string, number>, positions: Record<string, number>, multiplier: (s: string) => number) {
  let gross = 0;
  let net = 0;
  let value = 0;
  for (const s of Object.keys(positions).sort()) {
    const v = positions[s]! * (prices[s] ?? 0) * multiplier(s);
    gross += Math.abs(v);
    net += v;
    value += v;
  }
  return { gross, net: Math.abs(net), value };
}

/**
 * Runs a scenario on a fresh {@link PolicyGate}. Equity is cash plus the positions at their marks
 * (the gate is told with `updateEquity` after every price move; fills at the mark do not change
 * it), so the peak and the drawdown follow the day.
 *
 * @throws {Error} when the policy does not load (a `ValidationError` with line and column) or a
 *   price is missing for a held symbol at the start.
 * @example
 * ```ts
 * const run = await runScenario(SCENARIOS[2].scenario)
 * run.markers.find((m) => m.event === 'trip')?.intentId // the order that tripped the switch
 * ```
 */
export async function runScenario(scenario: SimScenario): Promise<SimRun> {
  const engine = await PolicyEngine.fromYaml(scenario.policy);
  const instruments = engine.policy.instruments ?? {};
  const multiplier = (s: string) => (Object.hasOwn(instruments, s) ? (instruments[s]!.multiplier ?? 1) : 1);
  const open = timestampOf(scenario.date, '00:00:00');
  const prices = { ...scenario.start.prices };
  const positions = { ...scenario.start.positions };
  const equity0 = scenario.start.equity;
  const cash0 = equity0 - mark(prices, positions, multiplier).value;
  let cash = cash0;
  const startPortfolio: PortfolioState = { equity: equity0, start_of_day_equity: equity0, peak_equity: equity0, positions: { ...positions }, realized_pnl_today: 0, unrealized_pnl: 0 };
  const startMarket: MarketSnapshot = { timestamp: open, prices: { ...prices } };
  const gate = new PolicyGate(engine, { portfolio: startPortfolio, market: startMarket });
  const noExecution = parseExecutionState({});
  const limits = engine.policy.limits;
  const steps: SimStep[] = [];
  const timeline: TimelinePoint[] = [];
  const point = (ts: string) => {
    const p = gate.portfolio!;
    const book = mark(prices, positions, multiplier);
    timeline.push({
      t: seconds(ts),
      equity: p.equity,
      drawdown: (p.peak_equity - p.equity) / p.peak_equity,
      grossX: book.gross / p.equity,
      netX: book.net / p.equity,
      ordersLast60s: gate.executionState().orders_last_60s_global,
    });
  };

  for (const event of sortedEvents(scenario.events)) {
    const ts = timestampOf(scenario.date, event.at);
    if (event.kind === 'prices') {
      Object.assign(prices, event.prices);
      gate.updatePrices(event.prices, ts);
      gate.updateEquity({ equity: cash + mark(prices, positions, multiplier).value });
      steps.push({ kind: 'prices', event, applied: true });
    } else if (event.kind === 'reset') {
      const applied = gate.resetKillSwitch(event.reason, ts);
      steps.push({ kind: 'reset', event, applied });
    } else {
      const intent: OrderIntent = {
        intent_id: event.id,
        timestamp: ts,
        strategy_id: event.strategy,
        account_id: SIM_ACCOUNT,
        instrument: { symbol: event.symbol, asset_class: 'equity' },
        side: event.side,
        order_type: 'market',
        qty: event.qty,
        limit_price: null,
      };
      const before = gate.killSwitch.history.length;
      const check = gate.checkDetailed(intent);
      const { decision } = check;
      const tripped = gate.killSwitch.history.slice(before).some((h) => h.event === 'trip');
      let filledQty = 0;
      let fillPrice: number | null = null;
      if (decision.decision !== 'DENY') {
        filledQty = decision.decision === 'MODIFY' ? decision.modified_intent.qty : intent.qty;
        fillPrice = prices[event.symbol]!;
        const signed = event.side === 'buy' ? filledQty : -filledQty;
        positions[event.symbol] = (positions[event.symbol] ?? 0) + signed;
        cash -= signed * fillPrice * multiplier(event.symbol);
        gate.applyFill({ symbol: event.symbol, side: event.side, qty: filledQty, price: fillPrice });
      }
      const stateless = engine.evaluate(intent, startPortfolio, startMarket, noExecution);
      steps.push({ kind: 'order', event, intent, decision, filledQty, fillPrice, tripped, state: { portfolio: check.portfolio, market: check.market, execution: check.execution }, stateless });
    }
    point(ts);
  }

  const markers: KillMarker[] = gate.killSwitch.history.map((h) => ({
    event: h.event,
    at: h.at ?? open,
    t: seconds(h.at ?? open),
    intentId: h.intent_id,
    reason: h.reason,
  }));
  return {
    policyHash: engine.policyHash,
    steps,
    timeline,
    markers,
    rateLimit: limits.execution.max_orders_per_minute_global,
    drawdownLimit: limits.loss.max_drawdown_pct,
    startPortfolio,
    startMarket,
  };
}
