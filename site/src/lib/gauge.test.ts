import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gauge, gaugesOf } from './gauge';

describe('gauge', () => {
  it('shows headroom inside the limit, with the bar short of the marker', () => {
    const g = gauge({ metric: 'new_position_pct', value: 0.02, limit: 0.05 }, false);
    expect(g).toMatchObject({ status: 'headroom', valueText: '2.00%', limitText: '5.00%', marginText: 'headroom 3.00%', ruleId: 'EXP-001' });
    expect(g.fillPct).toBeLessThan(g.limitPct!);
  });

  it('shows a breach past the limit, with the bar beyond the marker', () => {
    const g = gauge({ metric: 'gross_exposure_x', value: 2.02, limit: 2 }, true);
    expect(g).toMatchObject({ status: 'breach', valueText: '2.02×', marginText: 'over by 0.02×' });
    expect(g.fillPct).toBeGreaterThan(g.limitPct!);
    expect(g.fillPct).toBeLessThanOrEqual(100);
  });

  it('reads the daily return as a loss against the loss limit', () => {
    expect(gauge({ metric: 'daily_return', value: -0.025, limit: -0.02 }, true)).toMatchObject({ status: 'breach', valueText: '2.50% loss', limitText: '2.00% loss', marginText: 'over by 0.50%' });
    expect(gauge({ metric: 'daily_return', value: 0.01, limit: -0.02 }, false)).toMatchObject({ status: 'headroom', valueText: '1.00% gain', fillPct: 0 });
  });

  it('calls an exposure past its limit whose rule did not fire a reducing order', () => {
    expect(gauge({ metric: 'new_position_pct', value: 0.18, limit: 0.05 }, false)).toMatchObject({ status: 'reducing', marginText: 'over by 13.00%, but this order lowers it' });
  });

  it('shows an unchecked net exposure as such', () => {
    expect(gauge({ metric: 'net_exposure_x', value: 1.5, limit: null }, false)).toMatchObject({ status: 'unchecked', limitPct: null });
  });

  it('agrees with the engine on every conformance case: breach exactly when the rule fired, reducing only for exposures', () => {
    const lines = readFileSync(new URL('../../../tests/fixtures/conformance/cases.jsonl', import.meta.url), 'utf8').trim().split('\n');
    let checked = 0;
    for (const line of lines) {
      const { expected } = JSON.parse(line);
      const fired = new Set(expected.violations.map((v: { rule_id: string }) => v.rule_id));
      for (const g of gaugesOf(expected)) {
        checked++;
        if (g.status === 'unchecked') continue;
        expect(g.status === 'breach').toBe(fired.has(g.ruleId));
        if (g.status === 'reducing') expect(g.ruleId).toMatch(/^EXP-/);
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });
});
