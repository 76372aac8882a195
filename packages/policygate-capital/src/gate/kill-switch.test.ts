// The kill switch on its own: trips, latching, resets, and its state out and back in.
import { describe, expect, it } from 'vitest';
import type { Decision, Violation } from '../engine/types.js';
import { KillSwitch, type KillSwitchConfig } from './kill-switch.js';
import { SECOND } from './time.js';

const config: KillSwitchConfig = { tripOn: new Set(['LOSS-002']), tripAfter: 3, windowUs: 300 * SECOND };
const T0 = 1_771_423_200 * SECOND; // 2026-02-18T14:00:00Z

const violation = (rule_id: string): Violation => ({ rule_id, severity: 'HIGH', message: rule_id, inputs: {}, computed: {} });
function decision(rules: string[], triggered = false): Decision {
  return { decision: rules.length ? 'DENY' : 'ALLOW', intent_id: 'o-1', modified_intent: null, violations: rules.map(violation), evidence: [], eval_ms: 0, kill_switch_triggered: triggered };
}

describe('KillSwitch', () => {
  it('trips on a triggering decision, naming the trip rules and the intent, and latches until reset', () => {
    const ks = new KillSwitch(config);
    ks.observe(decision(['EXP-001', 'LOSS-002'], true), T0, 'o-7');
    expect(ks.state()).toEqual({
      active: true,
      tripped_at: '2026-02-18T14:00:00Z',
      reason: "LOSS-002 in the decision on intent 'o-7'",
      history: [{ event: 'trip', at: '2026-02-18T14:00:00Z', reason: "LOSS-002 in the decision on intent 'o-7'", intent_id: 'o-7' }],
    });
    ks.observe(decision([]), T0 + 3_600 * SECOND, 'o-8');
    expect(ks.active).toBe(true);
    expect(ks.reset(T0 + 3_600 * SECOND, 'desk reviewed')).toBe(true);
    expect(ks.active).toBe(false);
    expect(ks.reset(T0 + 3_600 * SECOND, 'again')).toBe(false); // nothing to reset: nothing recorded
    expect(ks.state().history.map((e) => e.event)).toEqual(['trip', 'reset']);
  });

  it('trips on the Nth violation inside the window; older ones and its own KILL-001 do not count', () => {
    const ks = new KillSwitch(config);
    ks.observe(decision(['EXP-001']), T0, 'a');
    ks.observe(decision(['EXP-002']), T0 + 301 * SECOND, 'b'); // the first has left the window
    ks.observe(decision(['KILL-001']), T0 + 302 * SECOND, 'c');
    expect(ks.active).toBe(false);
    expect(ks.violationEntries()).toEqual([[T0 + 301 * SECOND, 'EXP-002']]);
    ks.observe(decision(['EXP-001', 'EXEC-001']), T0 + 303 * SECOND, 'd');
    expect(ks.active).toBe(true);
    expect(ks.state().reason).toBe('3 violations within 300 s (trip_after_n_violations 3)');
  });

  it('clears the counted violations on reset (the reset acknowledges them)', () => {
    const ks = new KillSwitch(config);
    ks.observe(decision(['EXP-001', 'EXP-002', 'EXP-003']), T0, 'a');
    expect(ks.reset(T0, 'ok')).toBe(true);
    ks.observe(decision(['EXP-001']), T0 + SECOND, 'b');
    expect(ks.active).toBe(false);
    expect(ks.violationEntries()).toHaveLength(1);
  });

  it('comes back from state() and violationEntries() as the same switch, and goes on the same', () => {
    const ks = new KillSwitch(config);
    ks.observe(decision(['LOSS-002'], true), T0, 'a');
    ks.reset(T0 + SECOND, 'reviewed');
    ks.observe(decision(['EXP-001', 'EXP-002']), T0 + 2 * SECOND, 'b');
    const copy = KillSwitch.fromState(config, JSON.parse(JSON.stringify(ks.state())), ks.violationEntries());
    expect(copy.state()).toEqual(ks.state());
    expect(copy.violationEntries()).toEqual(ks.violationEntries());
    for (const k of [ks, copy]) k.observe(decision(['EXEC-002']), T0 + 3 * SECOND, 'c');
    expect(copy.active).toBe(true);
    expect(copy.state()).toEqual(ks.state());
  });

  it('keeps at most trip_after_n_violations violations: a stream that never moves the clock does not grow the window', () => {
    const ks = new KillSwitch(config);
    for (let i = 0; i < 10_000; i++) ks.observe(decision(['EXEC-001', 'EXEC-002']), T0, `o-${i}`);
    expect(ks.active).toBe(true);
    expect(ks.state().reason).toBe('4 violations within 300 s (trip_after_n_violations 3)'); // the count that tripped it, before the bound
    expect(ks.violationEntries()).toHaveLength(3);
    // And what it keeps decides exactly as the whole window would: after a reset, N more in the window trip it again.
    ks.reset(T0, 'ok');
    ks.observe(decision(['EXP-001', 'EXP-002']), T0 + SECOND, 'a');
    expect(ks.active).toBe(false);
    ks.observe(decision(['EXP-001']), T0 + 2 * SECOND, 'b');
    expect(ks.active).toBe(true);
  });

  it('hands out copies: editing a reported state changes nothing', () => {
    const ks = new KillSwitch(config);
    ks.observe(decision(['LOSS-002'], true), T0, 'a');
    const s = ks.state();
    s.active = false;
    s.history.length = 0;
    ks.violationEntries().length = 0;
    expect(ks.state().active).toBe(true);
    expect(ks.state().history).toHaveLength(1);
    expect(ks.violationEntries()).toHaveLength(1);
  });
});
