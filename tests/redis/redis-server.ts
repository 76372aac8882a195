// A real redis-server for one test file: its own temporary directory and a free loopback port,
// started and stopped by the test (never a system service). Also a policy and portfolio fixture.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderIntent } from '../../packages/policygate-capital/src/index.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
export const REPO = new URL('../../', import.meta.url).pathname;
export const PKG_DIST = join(REPO, 'packages/policygate-capital/dist');

/** A free loopback TCP port (bound then released; the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One redis-server process in its own directory; `restart()` keeps the directory (and its AOF). */
export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'pg-redis-'));
  port = 0;
  private proc: ChildProcess | null = null;

  constructor(private readonly aof: 'no' | 'always' | 'everysec' = 'no') {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc!.pid!;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes'];
    if (this.aof !== 'no') args.push('--appendonly', 'yes', '--appendfsync', this.aof);
    else args.push('--appendonly', 'no');
    const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) {
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.resume();
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
      setTimeout(() => reject(new Error(`redis-server not ready after 10 s:\n${out}`)), 10_000).unref();
    });
  }

  /** Sends a signal to the server process. */
  signal(sig: NodeJS.Signals): void {
    this.proc?.kill(sig);
  }

  /** SIGKILL, and waits for the process to be gone. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGCONT');
    p.kill('SIGKILL');
    await gone;
    this.proc = null;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A v0.1 policy: 20 orders a minute globally, 8 per strategy; a 10% drawdown trips the kill switch; `defaults.decision: allow` (so a fail-closed DENY is visibly the store's). */
export const POLICY_YAML = `
version: "0.1"
defaults:
  mode: enforce
  decision: allow
limits:
  exposure:
    max_position_pct: 0.5
    max_gross_exposure_x: 3.0
  loss:
    daily_loss_limit_pct: 0.5
    max_drawdown_pct: 0.10
  execution:
    max_orders_per_minute_global: 20
    max_orders_per_minute_by_strategy: 8
  kill_switch:
    trip_on_rules: ["LOSS-002"]
    trip_after_n_violations: 10000
    violation_window_seconds: 60
`;

export const PORTFOLIO = { equity: 1_000_000, start_of_day_equity: 1_000_000, peak_equity: 1_000_000, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 };
export const MARKET = { timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200, MSFT: 400 } };

/** An order intent at `second` seconds after 14:30:00. */
export function intentAt(id: string, second: number, strategy = 's1', qty = 10, symbol = 'AAPL', side: 'buy' | 'sell' = 'buy'): OrderIntent {
  const t = new Date(Date.parse('2026-02-18T14:30:00Z') + Math.round(second * 1000)).toISOString();
  return { intent_id: id, timestamp: t, strategy_id: strategy, account_id: 'acc', instrument: { symbol, asset_class: 'equity' }, side, order_type: 'market', qty, limit_price: null };
}
