// A trading-day scenario: a policy, the start of the day (equity, positions, prices) and the day's
// events (orders submitted at chosen times, price moves, kill-switch resets). Plain data, so that
// it can be shared by link, edited in the page and exported as files.

/** An order submitted at `at`; filled at the current mark when the gate lets it through. */
export interface SimOrder {
  kind: 'order';
  /** Time of day, `HH:MM:SS` (UTC), on the scenario's date. */
  at: string;
  /** The intent id (unique in the scenario). */
  id: string;
  strategy: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
}

/** New marks for some symbols at `at` (the others keep theirs). */
export interface SimPrices {
  kind: 'prices';
  at: string;
  prices: Record<string, number>;
}

/** The risk desk resets a tripped kill switch at `at`. */
export interface SimReset {
  kind: 'reset';
  at: string;
  reason: string;
}

/** One event of the day. */
export type SimEvent = SimOrder | SimPrices | SimReset;

/** A whole scenario: what the simulator runs, shares and exports. */
export interface SimScenario {
  /** The policy (YAML text). */
  policy: string;
  /** The trading day, `YYYY-MM-DD`. */
  date: string;
  /** The start of the day: equity (cash + positions at the opening marks), positions, opening marks. */
  start: { equity: number; positions: Record<string, number>; prices: Record<string, number> };
  /** The events, run in time order (events at the same time in the order given). */
  events: SimEvent[];
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The RFC 3339 timestamp of a time of day on the scenario's date.
 *
 * @example
 * ```ts
 * timestampOf('2026-02-18', '09:30:00') // '2026-02-18T09:30:00Z'
 * ```
 */
export function timestampOf(date: string, at: string): string {
  return `${date}T${at}Z`;
}

/**
 * The events in the order the simulator runs them: by time, ties in the order given.
 *
 * @example
 * ```ts
 * for (const e of sortedEvents(scenario.events)) console.log(e.at, e.kind)
 * ```
 */
export function sortedEvents(events: readonly SimEvent[]): SimEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i))
    .map(({ e }) => e);
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const finitePositive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

function numberMap(value: unknown, path: string, positive: boolean): Record<string, number> {
  if (!isRecord(value)) throw new Error(`${path} must be an object of numbers`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) throw new Error(`${path}.${k} must be a finite number${positive ? ' > 0' : ''}`);
    out[k] = v;
  }
  return out;
}

function onlyKeys(value: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const k of Object.keys(value)) if (!keys.includes(k)) throw new Error(`${path} has an unknown field '${k}'`);
}

function asEvent(value: unknown, path: string): SimEvent {
  if (!isRecord(value)) throw new Error(`${path} must be an object`);
  if (typeof value.at !== 'string' || !TIME.test(value.at)) throw new Error(`${path}.at must be a time of day HH:MM:SS`);
  const at = value.at;
  switch (value.kind) {
    case 'order': {
      onlyKeys(value, ['kind', 'at', 'id', 'strategy', 'symbol', 'side', 'qty'], path);
      for (const k of ['id', 'strategy', 'symbol'] as const) {
        if (typeof value[k] !== 'string' || value[k] === '') throw new Error(`${path}.${k} must be a non-empty string`);
      }
      if (value.side !== 'buy' && value.side !== 'sell') throw new Error(`${path}.side must be 'buy' or 'sell'`);
      if (!finitePositive(value.qty)) throw new Error(`${path}.qty must be a finite number > 0`);
      return { kind: 'order', at, id: value.id as string, strategy: value.strategy as string, symbol: value.symbol as string, side: value.side, qty: value.qty as number };
    }
    case 'prices':
      onlyKeys(value, ['kind', 'at', 'prices'], path);
      return { kind: 'prices', at, prices: numberMap(value.prices, `${path}.prices`, true) };
    case 'reset':
      onlyKeys(value, ['kind', 'at', 'reason'], path);
      if (typeof value.reason !== 'string' || value.reason.trim() === '') throw new Error(`${path}.reason must be a non-empty string`);
      return { kind: 'reset', at, reason: value.reason };
    default:
      throw new Error(`${path}.kind must be 'order', 'prices' or 'reset'`);
  }
}

/**
 * Checks that an unknown value (a share link, a pasted scenario) is a {@link SimScenario}.
 *
 * @throws {Error} naming the first field that is wrong.
 * @example
 * ```ts
 * const scenario = asScenario(JSON.parse(text))
 * ```
 */
export function asScenario(value: unknown): SimScenario {
  if (!isRecord(value)) throw new Error('scenario must be an object');
  onlyKeys(value, ['policy', 'date', 'start', 'events'], 'scenario');
  if (typeof value.policy !== 'string') throw new Error('scenario.policy must be a string');
  if (typeof value.date !== 'string' || !DATE.test(value.date)) throw new Error('scenario.date must be a date YYYY-MM-DD');
  const start = value.start;
  if (!isRecord(start)) throw new Error('scenario.start must be an object');
  onlyKeys(start, ['equity', 'positions', 'prices'], 'scenario.start');
  if (!finitePositive(start.equity)) throw new Error('scenario.start.equity must be a finite number > 0');
  if (!Array.isArray(value.events)) throw new Error('scenario.events must be an array');
  const events = value.events.map((e, i) => asEvent(e, `scenario.events[${i}]`));
  const ids = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'order') continue;
    if (ids.has(e.id)) throw new Error(`scenario has two orders with the id '${e.id}'`);
    ids.add(e.id);
  }
  return {
    policy: value.policy,
    date: value.date,
    start: { equity: start.equity as number, positions: numberMap(start.positions, 'scenario.start.positions', false), prices: numberMap(start.prices, 'scenario.start.prices', true) },
    events,
  };
}
