// The export through the real CLI: the built bin, run as a shell would run the exported commands.
import { describe, expect, it } from 'vitest';
import { parseJsonl, runExportedCommand, writeExport } from '../../../../tests/e2e/export-cli';
import { exportScenario } from './export';
import { SCENARIOS } from './presets';
import { runScenario, type OrderStep } from './run';

describe('exportScenario through policygate-eval --intents', () => {
  for (const preset of SCENARIOS) {
    it(`${preset.id}: intents.jsonl gives the stateless decisions; the per-order files give the gate's decisions`, async () => {
      const run = await runScenario(preset.scenario);
      const exported = exportScenario(preset.scenario, run);
      const dir = writeExport(exported.files);
      const steps = run.steps.filter((s): s is OrderStep => s.kind === 'order');

      const stateless = await runExportedCommand(dir, exported.statelessCommand);
      expect(stateless.decisions).toEqual(parseJsonl(exported.files['stateless-decisions.jsonl']!));
      expect(stateless.decisions.map((d) => d.decision)).toEqual(steps.map((s) => s.stateless.decision));
      expect(stateless.code).toBe(steps.some((s) => s.stateless.decision === 'DENY') ? 1 : 0);

      const gate = [];
      for (const command of exported.orderCommands) gate.push(...(await runExportedCommand(dir, command)).decisions);
      expect(gate).toEqual(parseJsonl(exported.files['gate-decisions.jsonl']!));
      expect(gate.map((d) => d.decision)).toEqual(preset.expect.decisions);
      expect(exported.files['run-orders.sh']).toContain(exported.orderCommands.join('\n'));
    });
  }

  it('drawdown crash: the order that tripped the switch is the one whose CLI decision has kill_switch_triggered', async () => {
    const preset = SCENARIOS.find((s) => s.id === 'drawdown-crash')!;
    const run = await runScenario(preset.scenario);
    const exported = exportScenario(preset.scenario, run);
    const dir = writeExport(exported.files);
    const tripped = [];
    for (const command of exported.orderCommands) {
      const [d] = (await runExportedCommand(dir, command)).decisions;
      if (d!.kill_switch_triggered) tripped.push(d!.intent_id);
    }
    // crash-4 is the first: the gate trips there; crash-5 repeats LOSS-002 on the halted book.
    expect(tripped[0]).toBe('crash-4');
    expect(run.markers.find((m) => m.event === 'trip')?.intentId).toBe('crash-4');
    // Without a gate the CLI never sees the halt: no KILL-001 in the stateless run.
    const stateless = await runExportedCommand(dir, exported.statelessCommand);
    expect(stateless.decisions.flatMap((d) => (d.violations as { rule_id: string }[]).map((v) => v.rule_id))).not.toContain('KILL-001');
  });
});
