// A separate process that appends audit events to a shared file (bundled by worker.ts and run with
// plain `node`). argv[2] is a JSON config; the worker waits for "go" on stdin so that every worker
// starts appending at the same moment, then prints one JSON line: its chain head and counters.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PolicyEngine, type PolicyGateError } from '../../packages/policygate-capital/src/index.js';
import { createAuditedEvaluator } from '../../packages/policygate-capital/src/audit/index.js';
import { FileAuditSink, type FileAuditSinkMode } from '../../packages/policygate-capital/src/node/index.js';

interface Config {
  task: 'append' | 'open' | 'exit-unflushed' | 'exit-in-flight' | 'exit-after-failure';
  path: string;
  policyPath: string;
  mode: FileAuditSinkMode;
  count: number;
  worker: number;
  inFlight: number;
  maxBatchBytes?: number;
  /** The exit tasks: open the sink with `flushOnExit`. */
  flushOnExit?: boolean;
}

const config = JSON.parse(process.argv[2]!) as Config;

async function waitForGo(): Promise<void> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) if (line.trim() === 'go') break;
  rl.close();
}

async function append(): Promise<void> {
  const engine = await PolicyEngine.fromYaml(readFileSync(config.policyPath, 'utf8'));
  const sink = await FileAuditSink.open(config.path, {
    mode: config.mode,
    ...(config.maxBatchBytes !== undefined && { maxBatchBytes: config.maxBatchBytes }),
  });
  const audited = createAuditedEvaluator(engine, sink, { runId: `worker-${config.worker}` });
  const symbols = ['AAPL', 'MSFT', 'TSLA', 'NVDA', 'SPY'];
  const prices = { AAPL: 200, MSFT: 400.25, TSLA: 250.5, NVDA: 120.75, SPY: 500 };
  console.error(`worker ${config.worker} ready`);
  await waitForGo();
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < config.count; k = next++) {
      const symbol = symbols[k % symbols.length]!;
      await audited(
        {
          intent_id: `w${config.worker}-${k}`,
          timestamp: '2026-02-18T14:30:00Z',
          strategy_id: `s${k % 3}`,
          account_id: 'acct_1',
          instrument: { symbol, asset_class: 'equity' },
          side: k % 2 ? 'buy' : 'sell',
          order_type: 'market',
          qty: 1 + (k % 97) * 3,
          limit_price: null,
        },
        { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6 + (k % 7) * 1e4, positions: { AAPL: 100, MSFT: -50, [symbol]: k % 11 }, realized_pnl_today: 0, unrealized_pnl: 0 },
        { timestamp: '2026-02-18T14:30:00Z', prices },
        { orders_last_60s_global: k % 25, orders_last_60s_by_strategy: { [`s${k % 3}`]: k % 12 } },
      );
    }
  };
  await Promise.all(Array.from({ length: config.inFlight }, lane));
  await sink.close();
  process.stdout.write(JSON.stringify({ head: sink.head, stats: sink.stats }) + '\n');
}

// Opens the file and reports how that went (used to observe OS errors as another user).
async function open(): Promise<void> {
  try {
    const sink = await FileAuditSink.open(config.path, { mode: config.mode });
    await sink.close();
    process.stdout.write(JSON.stringify({ ok: true }) + '\n');
  } catch (e) {
    const err = e as PolicyGateError & { osCode?: string; path?: string };
    process.stdout.write(JSON.stringify({ ok: false, name: err.name, code: err.code, osCode: err.osCode, path: err.path, message: err.message }) + '\n');
  }
}

// One small audited order (the exit tasks): a buy of `qty` AAPL on an empty 1M portfolio.
const smallOrder = (audited: ReturnType<typeof createAuditedEvaluator>, id: string, qty: number) =>
  audited(
    {
      intent_id: id,
      timestamp: '2026-02-18T14:30:00Z',
      strategy_id: 's',
      account_id: 'a',
      instrument: { symbol: 'AAPL', asset_class: 'equity' },
      side: 'buy',
      order_type: 'market',
      qty,
      limit_price: null,
    },
    { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 },
    { timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200 } },
  );

// Appends in batched mode, then exits at once: with flushOnExit the sink's exit listener must write
// what is buffered; without it nothing is written (the sink adds no process-wide hook).
async function exitUnflushed(): Promise<void> {
  const engine = await PolicyEngine.fromYaml(readFileSync(config.policyPath, 'utf8'));
  const exitListeners = process.listenerCount('exit');
  const sink = await FileAuditSink.open(config.path, { mode: 'batched', flushOnExit: config.flushOnExit === true });
  if (process.listenerCount('exit') !== exitListeners + (config.flushOnExit ? 1 : 0)) throw new Error('unexpected exit listeners');
  const audited = createAuditedEvaluator(engine, sink);
  const pending: Promise<unknown>[] = [];
  for (let k = 0; k < config.count; k++) {
    pending.push(smallOrder(audited, `x${k}`, 1 + k));
  }
  await Promise.all(pending); // batched: resolved while the lines are still buffered
  process.stdout.write(JSON.stringify({ head: sink.head, stats: sink.stats }) + '\n');
  process.exit(0);
}

// Appends in batched mode until a big batch has just been handed to the writer thread, appends 3
// more events and exits at once: the exit listener (flushOnExit) must let the writer finish (the
// write of 16 MiB takes milliseconds), then write the 3 buffered lines after it.
async function exitInFlight(): Promise<void> {
  const engine = await PolicyEngine.fromYaml(readFileSync(config.policyPath, 'utf8'));
  const sink = await FileAuditSink.open(config.path, { mode: 'batched', maxBatchBytes: 16 << 20, flushOnExit: config.flushOnExit === true });
  const audited = createAuditedEvaluator(engine, sink);
  let k = 0;
  const order = () => smallOrder(audited, `x${k}`, 1 + k++);
  while (sink.stats.writes === 0) await order();
  for (let i = 0; i < 3; i++) await order();
  process.stdout.write(JSON.stringify({ head: sink.head, stats: sink.stats, count: k }) + '\n');
  process.exit(0);
}

// A background write fails and nothing is told (no onError, no later append, flush or close).
async function exitAfterFailure(): Promise<void> {
  const engine = await PolicyEngine.fromYaml(readFileSync(config.policyPath, 'utf8'));
  const sink = await FileAuditSink.open(config.path, { mode: 'batched' });
  await smallOrder(createAuditedEvaluator(engine, sink), 'lost', 1);
  // The process then ends normally; the write fails in the background.
}

const tasks = { append, open, 'exit-unflushed': exitUnflushed, 'exit-in-flight': exitInFlight, 'exit-after-failure': exitAfterFailure };
await tasks[config.task]();
