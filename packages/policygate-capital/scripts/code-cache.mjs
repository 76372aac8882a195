// Makes dist/bin/policygate-eval.cache: the V8 code cache of the policygate-eval script, produced by
// running the bin once on the seed example (what is compiled during that run is what the cache
// holds; the rest compiles lazily as usual). See bin/policygate-eval.cjs for how it is checked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/policygate-eval.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pg-code-cache-'));
const inputs = {
  'policy.yaml': `version: "0.1"
timezone: "UTC"

defaults:
  mode: "enforce"    # or "monitor" (log violations, always ALLOW)
  decision: "deny"   # fail-closed on evaluation errors

limits:
  exposure:
    max_position_pct: 0.10        # 10% of equity per symbol
    max_gross_exposure_x: 2.0     # 2x equity total
    max_net_exposure_x: 1.0       # 1x equity net
  loss:
    daily_loss_limit_pct: 0.02    # -2% daily loss triggers deny
    max_drawdown_pct: 0.05        # -5% drawdown triggers kill switch
  execution:
    max_orders_per_minute_global: 20
    max_orders_per_minute_by_strategy: 10
  kill_switch:
    trip_on_rules: ["LOSS-002"]
    trip_after_n_violations: 3
    violation_window_seconds: 300

overrides:
  symbols:
    AAPL:
      exposure:
        max_position_pct: 0.05    # tighter limit for AAPL
        max_gross_exposure_x: 2.0
        max_net_exposure_x: 1.0
  strategies: {}
`,
  'intent.json': JSON.stringify({
    intent_id: 'order-001',
    timestamp: '2026-02-18T00:00:00Z',
    strategy_id: 'momentum_v1',
    account_id: 'acct_1',
    instrument: { symbol: 'AAPL', asset_class: 'equity' },
    side: 'buy',
    order_type: 'market',
    qty: 100,
    limit_price: null,
  }),
  'portfolio.json': JSON.stringify({ equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 }),
  'market.json': JSON.stringify({ timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200 } }),
  'execution.json': JSON.stringify({ orders_last_60s_global: 0, orders_last_60s_by_strategy: {}, violations_last_window: [], kill_switch_active: false }),
};
try {
  for (const [name, text] of Object.entries(inputs)) writeFileSync(join(dir, name), text);
  const args = Object.keys(inputs).flatMap((name) => [`--${name.split('.')[0]}`, join(dir, name)]);
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, POLICYGATE_WRITE_CODE_CACHE: '1' }, encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.includes('"decision":"MODIFY"')) throw new Error(`policygate-eval exited ${r.status}: ${r.stderr}${r.stdout}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
