// The 3,000 conformance cases (policy DSL v0.1 and v0.2) explained: the decision is exactly what
// `evaluate` gives (and what the case expects), every limit named is the one the rule or the
// evidence used, and every written key's line and column point at that key in the policy text.
import { describe, expect, it } from 'vitest';
import { diffDecision, loadCases, loadCasesV02 } from '../../../../tests/conformance/cases.js';
import { evaluate } from '../engine/evaluate.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import { pyRound } from '../util/py-round.js';
import { explainDecision } from './explain-decision.js';
import type { LimitSource } from './types.js';

const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

/** The text at a 1-based line and code-point column. */
function textAt(text: string, line: number, column: number): string {
  return Array.from(text.split('\n')[line - 1] ?? '')
    .slice(column - 1)
    .join('');
}

describe('explainDecision over the conformance cases', () => {
  it.each([
    ['cases.jsonl', false],
    ['cases-v02.jsonl', true],
  ] as const)(
    'gives every case of %s the decision of evaluate, and names the limits it used where they are written',
    async (_name, v2) => {
      const engines = new Map<string, PolicyEngine>();
      const failures: string[] = [];
      const origins = new Map<string, number>();
      let positioned = 0;
      const cases = v2 ? loadCasesV02() : loadCases();
      for (const c of cases) {
        let engine = engines.get(c.policy_yaml);
        if (!engine) engines.set(c.policy_yaml, (engine = await PolicyEngine.fromYaml(c.policy_yaml)));
        const why = explainDecision(engine, c.intent, c.portfolio, c.market, c.execution ?? {}, { policyText: c.policy_yaml });
        const direct = evaluate(c.intent, engine.policy, c.portfolio, c.market, c.execution ?? {});
        if (JSON.stringify(withoutMs(why.decision)) !== JSON.stringify(withoutMs(direct))) failures.push(`${c.id}: differs from evaluate`);
        const diff = diffDecision(why.decision, c.expected);
        if (diff.length > 0) failures.push(`${c.id}: ${diff.join('; ')}`);
        const check = (s: LimitSource, what: string) => {
          origins.set(s.origin, (origins.get(s.origin) ?? 0) + 1);
          if (s.written !== true) return;
          const key = s.key.replace(/\[\d+\]$/, '');
          const at = textAt(c.policy_yaml, s.line!, s.column!);
          // A list item points at the item, a key at the key (bare or quoted).
          const ok = s.key.endsWith(']') ? at.replace(/^["']/, '').startsWith(String(s.value)) : at.replace(/^["']/, '').startsWith(key);
          if (!ok) failures.push(`${c.id}: ${what} ${s.path} at ${s.line}:${s.column} reads ${JSON.stringify(at.slice(0, 30))}`);
          positioned++;
        };
        for (const v of why.violations) {
          const violation = why.decision.violations[v.index]!;
          if (v.source !== null) {
            // The limit named is the one the rule compared against (its `inputs`), where the rule reports it.
            if (Object.hasOwn(violation.inputs, v.source.key) && violation.inputs[v.source.key] !== v.source.value)
              failures.push(`${c.id}: ${v.ruleId} names ${v.source.path} = ${v.source.value}, the rule used ${violation.inputs[v.source.key]}`);
            check(v.source, v.ruleId);
          }
          for (const r of v.related) check(r, `${v.ruleId} related`);
        }
        for (const e of why.evidence) {
          const raw = e.source.value as number | null;
          const expected = raw === null ? null : pyRound(e.metric === 'daily_return' ? -raw : raw, 6);
          if (expected !== e.limit) failures.push(`${c.id}: evidence ${e.metric} limit ${e.limit}, ${e.source.path} holds ${raw}`);
          check(e.source, e.metric);
        }
        for (const k of why.killSwitch) check(k, 'trip');
      }
      expect(failures.slice(0, 20)).toEqual([]);
      // The cases exercise symbol overrides, strategy overrides and the base limits (not only one of them).
      expect(origins.get('symbol-override') ?? 0).toBeGreaterThan(100);
      expect(origins.get('strategy-override') ?? 0).toBeGreaterThan(100);
      expect(origins.get('limits') ?? 0).toBeGreaterThan(100);
      if (v2) expect(origins.get('instruments') ?? 0).toBeGreaterThan(0);
      expect(positioned).toBeGreaterThan(cases.length);
      console.log(`${cases.length} cases; sources by origin: ${JSON.stringify(Object.fromEntries(origins))}; ${positioned} positions checked`);
    },
    120_000,
  );
});
