// Reads a book's stream straight from Redis and replays it through one in-memory PolicyGate.
import { createClient } from 'redis';
import { PolicyEngine, PolicyGate, type Decision, type GateSnapshot } from '../../packages/policygate-capital/src/index.js';
import { MARKET, PORTFOLIO, POLICY_YAML } from './redis-server.js';

export interface Replay {
  /** The replay's decision for each committed check, by intent id. */
  decisions: Map<string, Decision>;
  /** Intent ids of committed checks, in order (a duplicate would be a check applied twice). */
  intentIds: string[];
  /** Operation ids, in order. */
  opIds: string[];
  /** The replaying gate's final state. */
  snapshot: GateSnapshot;
}

export async function replayBook(url: string, book: string): Promise<Replay> {
  const client = createClient({ url });
  await client.connect();
  const entries = (await client.xRange(`policygate:{${book}}:ops`, '-', '+')) ?? [];
  await client.close();
  const gate = new PolicyGate(await PolicyEngine.fromYaml(POLICY_YAML), { portfolio: PORTFOLIO, market: MARKET });
  const r: Replay = { decisions: new Map(), intentIds: [], opIds: [], snapshot: null as unknown as GateSnapshot };
  for (const e of entries) {
    r.opIds.push(e.message.id!);
    const op = JSON.parse(e.message.op!);
    if (op.op === 'check') {
      const d = gate.check(op.intent, op.market);
      r.decisions.set(op.intent.intent_id, d);
      r.intentIds.push(op.intent.intent_id);
    } else if (op.op === 'fill') gate.applyFill(op.fill);
    else if (op.op === 'prices') gate.updatePrices(op.prices, op.timestamp);
    else if (op.op === 'equity') gate.updateEquity(op.update);
    else if (op.op === 'reset') gate.resetKillSwitch(op.reason, op.at);
  }
  r.snapshot = gate.snapshot();
  return r;
}

export const isStoreDenial = (d: Decision) =>
  d.decision === 'DENY' && d.violations.length === 1 && d.violations[0]!.rule_id === 'SYS-002' && d.violations[0]!.message.startsWith('Evaluation error: state store unavailable');
export const strip = (d: Decision) => ({ ...d, eval_ms: 0 });
