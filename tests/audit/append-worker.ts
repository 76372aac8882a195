// A separate process that appends audit events to a shared file (bundled by worker.ts and run with
// plain `node`). argv[2] is a JSON config; the worker waits for "go" on stdin so that every worker
// starts appending at the same moment, then prints one JSON line: its chain head and counters.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createAuditedEvaluator, PolicyEngine, PolicyGateError } from '../../packages/policygate-capital/src/index.js';
import { FileAuditSink, type FileAuditSinkMode } from '../../packages/policygate-capital/src/node/index.js';

interface Config {
  task: 'append' | 'open';
  path: string;
  policyPath: string;
  mode: FileAuditSinkMode;
  count: number;
  worker: number;
  inFlight: number;
  maxBatchBytes?: number;
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

await (config.task === 'open' ? open() : append());
