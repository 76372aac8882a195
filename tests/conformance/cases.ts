// Loads the conformance data vendored in tests/fixtures/conformance (a copy of the shared data; see tests/fixtures/conformance/README.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared conformance folder. */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../fixtures/conformance/', import.meta.url));

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

/** All 1,500 cases of policy DSL v0.1. */
export const loadCases = (): ConformanceCase[] => readJsonl<ConformanceCase>('cases.jsonl');

/** All 1,500 cases of policy DSL v0.2 (no `reference_agrees`/`divergence`: no other implementation exists). */
export const loadCasesV02 = (): ConformanceCase[] => readJsonl<ConformanceCase>('cases-v02.jsonl').map((c) => ({ ...c, reference_agrees: false, divergence: [] }));

export { diffDecision } from './compare.mjs';
