// The runtime-neutral conformance run: loads the BUILT package as plain ESM and checks it against the
// shared conformance data. It uses no file, process or network API: the caller (main.mjs on Node,
// Deno and Bun; index.html in the browser) reads the data with its own tools and passes the text in.
// Only ECMAScript and the globals the core itself needs (crypto, TextEncoder, performance).
import * as sdk from '../../packages/policygate-capital/dist/index.js';
import * as audit from '../../packages/policygate-capital/dist/audit.js';
import { diffDecision, RELATIVE_TOLERANCE } from '../conformance/compare.mjs';

export { diffDecision, RELATIVE_TOLERANCE };

/** Splits JSON Lines text into parsed objects (blank lines ignored). */
export function parseJsonl(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Runs every case of cases.jsonl (or cases-v02.jsonl): policy hash, then the decision. */
async function runCases(cases) {
  const engines = new Map();
  const failures = [];
  let passed = 0;
  for (const c of cases) {
    try {
      let engine = engines.get(c.policy_yaml);
      if (!engine) engines.set(c.policy_yaml, (engine = await sdk.PolicyEngine.fromYaml(c.policy_yaml)));
      const diff = engine.policyHash === c.policy_hash ? [] : [`policy_hash: ${engine.policyHash} != ${c.policy_hash}`];
      diff.push(...diffDecision(engine.evaluate(c.intent, c.portfolio, c.market, c.execution), c.expected));
      if (diff.length === 0) passed++;
      else failures.push(`case ${c.id}: ${diff.join('; ')}`);
    } catch (error) {
      failures.push(`case ${c.id}: threw ${error?.stack ?? error}`);
    }
  }
  return { passed, failed: failures.length, failures };
}

/**
 * Replays every event of the Python package's audit log under its policy: every line must read as an
 * event, the event's policy hash must be the policy's, and the replayed decision must match the logged
 * one on decision, intent_id, violations, kill_switch_triggered and modified_intent (docs:
 * /docs/audit/; numbers within 1e-9 relative, as Python sums in hash order). The SDK's `decisionsMatch`
 * decides, and this script's own comparison checks it.
 */
async function runAudit(auditJsonl, policyYaml) {
  const engine = await sdk.PolicyEngine.fromYaml(policyYaml);
  const log = await audit.readAuditLog(auditJsonl);
  const failures = log.errors.map((e) => `audit line ${e.line}: not read: ${e.reason}`);
  let passed = 0;
  for (const { line, event } of log.events) {
    try {
      const [original, replayed] = audit.replayEvent(event, engine);
      const diff = event.policy_hash === engine.policyHash ? [] : [`policy_hash: ${event.policy_hash} != ${engine.policyHash}`];
      if (!audit.decisionsMatch(original, replayed, { tolerance: RELATIVE_TOLERANCE })) diff.push('decisionsMatch is false');
      diff.push(...diffDecision(replayed, original, { evidence: false }));
      if (diff.length === 0) passed++;
      else failures.push(`audit line ${line} (${event.decision.intent_id}): ${diff.join('; ')}`);
    } catch (error) {
      failures.push(`audit line ${line}: threw ${error?.stack ?? error}`);
    }
  }
  return { passed, failed: failures.length, failures };
}

/** The name and version of the JavaScript runtime this runs on. */
export function runtimeName() {
  const g = globalThis;
  if (g.Deno?.version) return `deno ${g.Deno.version.deno}`;
  if (g.Bun?.version) return `bun ${g.Bun.version}`;
  if (g.process?.versions?.node) return `node ${g.process.versions.node}`;
  const chrome = /(?:HeadlessChrome|Chrome)\/([\d.]+)/.exec(g.navigator?.userAgent ?? '');
  if (chrome) return `chromium ${chrome[1]}`;
  if (g.navigator?.userAgent) return g.navigator.userAgent;
  return 'unknown runtime';
}

/**
 * Runs the conformance cases and, when given, the reference audit replay against the built package.
 *
 * @param {{ casesJsonl: string, casesV02Jsonl?: string, auditJsonl?: string, auditPolicyYaml?: string }} input
 *   the text of cases.jsonl, cases-v02.jsonl (policy DSL v0.2), reference-audit.jsonl and reference-policy.yaml.
 * @returns a report: per part and total `passed` / `failed`, the failure messages, and `lines`
 *   (what to print; the last one is `N passed, M failed`).
 */
export async function runConformance({ casesJsonl, casesV02Jsonl, auditJsonl, auditPolicyYaml }) {
  const parts = { cases: await runCases(parseJsonl(casesJsonl)) };
  if (casesV02Jsonl !== undefined) parts.casesV02 = await runCases(parseJsonl(casesV02Jsonl));
  if (auditJsonl !== undefined) parts.audit = await runAudit(auditJsonl, auditPolicyYaml);
  const all = Object.values(parts);
  const passed = all.reduce((n, p) => n + p.passed, 0);
  const failed = all.reduce((n, p) => n + p.failed, 0);
  const failures = all.flatMap((p) => p.failures);
  const lines = [`policygate-capital ${sdk.ENGINE_VERSION} (dist) on ${runtimeName()}`];
  lines.push(`conformance cases: ${parts.cases.passed} passed, ${parts.cases.failed} failed`);
  if (parts.casesV02) lines.push(`conformance cases v0.2: ${parts.casesV02.passed} passed, ${parts.casesV02.failed} failed`);
  if (parts.audit) lines.push(`reference audit replay: ${parts.audit.passed} passed, ${parts.audit.failed} failed`);
  lines.push(...failures.slice(0, 10).map((f) => `  FAIL ${f}`));
  if (failures.length > 10) lines.push(`  … and ${failures.length - 10} more failures`);
  lines.push(`${passed} passed, ${failed} failed`);
  return { ...parts, passed, failed, failures, lines };
}
