import { evaluate, PolicyEngine } from 'policygate-capital';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './presets';
import { runScenario, type OrderStep } from './run';

const orders = (steps: { kind: string }[]) => steps.filter((s): s is OrderStep => s.kind === 'order');
const strip = ({ eval_ms: _, ...rest }: { eval_ms: number }) => rest;

describe('runScenario on the real PolicyGate', () => {
  for (const preset of SCENARIOS) {
    it(`${preset.id}: gives the decisions its story promises and trips the switch at ${preset.expect.tripOrder ?? 'no order'}`, async () => {
      const run = await runScenario(preset.scenario);
      const steps = orders(run.steps);
      expect(steps.map((s) => s.decision.decision)).toEqual(preset.expect.decisions);
      const trips = run.markers.filter((m) => m.event === 'trip');
      expect(trips[0]?.intentId ?? null).toBe(preset.expect.tripOrder);
      expect(steps.filter((s) => s.tripped).map((s) => s.event.id)).toEqual(preset.expect.tripOrder ? [preset.expect.tripOrder] : []);
      expect(run.timeline).toHaveLength(preset.scenario.events.length);
    });
  }

  it('decides every order exactly as evaluate does on the state the gate reported', async () => {
    for (const preset of SCENARIOS) {
      const run = await runScenario(preset.scenario);
      const engine = await PolicyEngine.fromYaml(preset.scenario.policy);
      for (const step of orders(run.steps)) {
        const again = evaluate(step.intent, engine.policy, step.state.portfolio, step.state.market, step.state.execution);
        expect(strip(again), `${preset.id} ${step.event.id}`).toEqual(strip(step.decision));
      }
    }
  });

  it('drawdown crash: denies with KILL-001 while tripped, lets the reducing sell through, and clears KILL-001 after the reset', async () => {
    const run = await runScenario(SCENARIOS.find((s) => s.id === 'drawdown-crash')!.scenario);
    const byId = new Map(orders(run.steps).map((s) => [s.event.id, s]));
    expect(byId.get('crash-4')!.decision.violations.map((v) => v.rule_id)).toEqual(['LOSS-001', 'LOSS-002']);
    expect(byId.get('crash-4')!.decision.kill_switch_triggered).toBe(true);
    expect(byId.get('crash-5')!.decision.violations[0]!.rule_id).toBe('KILL-001');
    expect(byId.get('crash-6')!.filledQty).toBe(15);
    expect(byId.get('crash-7')!.decision.violations.map((v) => v.rule_id)).toEqual(['LOSS-001']);
    const dd = run.timeline.map((p) => p.drawdown);
    expect(Math.max(...dd)).toBeGreaterThanOrEqual(run.drawdownLimit);
    expect(run.markers.map((m) => m.event)).toEqual(['trip', 'reset']);
  });

  it('throttle burst: the global order rate in the timeline counts the sent orders in the last 60 s', async () => {
    const run = await runScenario(SCENARIOS.find((s) => s.id === 'throttle-burst')!.scenario);
    expect(Math.max(...run.timeline.map((p) => p.ordersLast60s))).toBe(11);
    expect(run.rateLimit).toBe(20);
  });

  it('equity follows the marks: cash plus positions, unchanged by a fill at the mark', async () => {
    const run = await runScenario(SCENARIOS[0]!.scenario);
    expect(run.timeline[0]!.equity).toBe(100_000);
    const { start } = SCENARIOS[0]!.scenario;
    expect(run.timeline[2]!.equity).toBeGreaterThan(start.equity); // after the +0.4 % move
  });
});
