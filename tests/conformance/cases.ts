// Loads ../shared/conformance (relative to the repository root), as CI lays it out.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared conformance folder. */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

/** One line of cases.jsonl. */
export interface ConformanceCase {
  id: string;
  policy_yaml: string;
  policy_hash: string;
  intent: any;
  portfolio: any;
  market: any;
  execution: any;
  expected: any;
  reference_agrees: boolean;
  divergence: string[];
}

/** Reads a JSONL file of the conformance folder. */
export function readJsonl<T>(name: string): T[] {
  return readFileSync(CONFORMANCE_DIR + name, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Reads a text file of the conformance folder. */
export const readText = (name: string): string => readFileSync(CONFORMANCE_DIR + name, 'utf8');

/** All 1,500 cases. */
export const loadCases = (): ConformanceCase[] => readJsonl<ConformanceCase>('cases.jsonl');

/** Relative closeness for numbers in `computed` (SPEC: 1e-9 relative, sum order). */
export function close(a: number, b: number, rel = 1e-9): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Compares a decision with an expected one per SPEC.md: decision, intent_id, modified_intent,
 * kill_switch_triggered and the violations' rule_id, severity, message and inputs exactly; numbers
 * in `computed` within `rel`; evidence exactly. Returns the differences (empty when they agree).
 */
export function diffDecision(actual: any, expected: any, rel = 1e-9): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['decision', 'intent_id', 'kill_switch_triggered'] as const) {
    if (actual[key] !== expected[key]) out.push(`${key}: ${JSON.stringify(actual[key])} != ${JSON.stringify(expected[key])}`);
  }
  if (!deepEqual(actual.modified_intent, expected.modified_intent)) out.push(`modified_intent: ${JSON.stringify(actual.modified_intent)} != ${JSON.stringify(expected.modified_intent)}`);
  if (actual.violations.length !== expected.violations.length) {
    out.push(`violations: ${actual.violations.map((v: any) => v.rule_id)} != ${expected.violations.map((v: any) => v.rule_id)}`);
  } else {
    actual.violations.forEach((v: any, i: number) => {
      const e = expected.violations[i];
      for (const key of ['rule_id', 'severity', 'message'] as const) if (v[key] !== e[key]) out.push(`violations[${i}].${key}: ${JSON.stringify(v[key])} != ${JSON.stringify(e[key])}`);
      if (!deepEqual(v.inputs, e.inputs)) out.push(`violations[${i}].inputs: ${JSON.stringify(v.inputs)} != ${JSON.stringify(e.inputs)}`);
      const keys = new Set([...Object.keys(v.computed), ...Object.keys(e.computed)]);
      for (const k of keys) {
        if (typeof v.computed[k] !== 'number' || typeof e.computed[k] !== 'number' || !close(v.computed[k], e.computed[k], rel)) out.push(`violations[${i}].computed.${k}: ${v.computed[k]} != ${e.computed[k]}`);
      }
    });
  }
  if (!same(normEvidence(actual.evidence), normEvidence(expected.evidence))) out.push(`evidence: ${JSON.stringify(actual.evidence)} != ${JSON.stringify(expected.evidence)}`);
  return out;
}

const normEvidence = (e: any[]) => e.map((x) => [x.metric, x.value, x.limit]);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as any)[k], (b as any)[k]));
}
