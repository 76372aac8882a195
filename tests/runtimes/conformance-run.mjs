// The runtime-neutral conformance run: loads the BUILT package as plain ESM and checks it against the
// shared conformance data. It uses no file, process or network API: the caller (main.mjs on Node,
// Deno and Bun; index.html in the browser) reads the data with its own tools and passes the text in.
// Only ECMAScript and the globals the core itself needs (crypto, TextEncoder, performance).
import * as sdk from '../../packages/policygate-capital/dist/index.js';

/** SPEC.md: numbers in `computed` agree within 1e-9 relative (the summation order may differ). */
export const RELATIVE_TOLERANCE = 1e-9;

/** Splits JSON Lines text into parsed objects (blank lines ignored). */
export function parseJsonl(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

const close = (a, b) => a === b || Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

const show = (x) => JSON.stringify(x);

/**
 * The differences between a decision and the expected one, per SPEC.md (end of "Evaluation"):
 * decision, intent_id, modified_intent, kill_switch_triggered and each violation's rule_id, severity,
 * message and inputs exactly; numbers in `computed` within 1e-9 relative; evidence exactly (unless
 * `evidence: false`: a replay does not compare it). Independent of the SDK's own comparison, so a bug
 * there cannot hide a failure here.
 */
export function diffDecision(actual, expected, { evidence = true } = {}) {
  const out = [];
  for (const key of ['decision', 'intent_id', 'kill_switch_triggered']) {
    if (actual[key] !== expected[key]) out.push(`${key}: ${show(actual[key])} != ${show(expected[key])}`);
  }
  if (!deepEqual(actual.modified_intent, expected.modified_intent)) {
    out.push(`modified_intent: ${show(actual.modified_intent)} != ${show(expected.modified_intent)}`);
  }
  const av = actual.violations ?? [];
  const ev = expected.violations ?? [];
  if (av.length !== ev.length) {
    out.push(`violations: ${show(av.map((v) => v.rule_id))} != ${show(ev.map((v) => v.rule_id))}`);
  } else {
    av.forEach((v, i) => {
      const e = ev[i];
      for (const key of ['rule_id', 'severity', 'message']) {
        if (v[key] !== e[key]) out.push(`violations[${i}].${key}: ${show(v[key])} != ${show(e[key])}`);
      }
      if (!deepEqual(v.inputs, e.inputs)) out.push(`violations[${i}].inputs: ${show(v.inputs)} != ${show(e.inputs)}`);
      for (const k of new Set([...Object.keys(v.computed), ...Object.keys(e.computed)])) {
        const a = v.computed[k];
        const b = e.computed[k];
        if (typeof a !== 'number' || typeof b !== 'number' || !close(a, b)) out.push(`violations[${i}].computed.${k}: ${a} != ${b}`);
      }
    });
  }
  const items = (list) => (list ?? []).map((x) => [x.metric, x.value, x.limit]);
  if (evidence && show(items(actual.evidence)) !== show(items(expected.evidence))) {
    out.push(`evidence: ${show(actual.evidence)} != ${show(expected.evidence)}`);
  }
  if (typeof actual.eval_ms !== 'number' || !(actual.eval_ms >= 0)) out.push(`eval_ms: ${show(actual.eval_ms)} is not a number >= 0`);
  return out;
}

/** Runs every case of cases.jsonl: policy hash, then the decision. */
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
 * one on decision, intent_id, violations, kill_switch_triggered and modified_intent (SPEC.md "Audit
 * trail"; numbers within 1e-9 relative, as Python sums in hash order). The SDK's `decisionsMatch`
 * decides, and this script's own comparison checks it.
 */
async function runAudit(auditJsonl, policyYaml) {
  const engine = await sdk.PolicyEngine.fromYaml(policyYaml);
  const log = await sdk.readAuditLog(auditJsonl);
  const failures = log.errors.map((e) => `audit line ${e.line}: not read: ${e.reason}`);
  let passed = 0;
  for (const { line, event } of log.events) {
    try {
      const [original, replayed] = sdk.replayEvent(event, engine);
      const diff = event.policy_hash === engine.policyHash ? [] : [`policy_hash: ${event.policy_hash} != ${engine.policyHash}`];
      if (!sdk.decisionsMatch(original, replayed, { tolerance: RELATIVE_TOLERANCE })) diff.push('decisionsMatch is false');
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
 * @param {{ casesJsonl: string, auditJsonl?: string, auditPolicyYaml?: string }} input the text of
 *   cases.jsonl, reference-audit.jsonl and reference-policy.yaml.
 * @returns a report: per part and total `passed` / `failed`, the failure messages, and `lines`
 *   (what to print; the last one is `N passed, M failed`).
 */
export async function runConformance({ casesJsonl, auditJsonl, auditPolicyYaml }) {
  const parts = { cases: await runCases(parseJsonl(casesJsonl)) };
  if (auditJsonl !== undefined) parts.audit = await runAudit(auditJsonl, auditPolicyYaml);
  const all = Object.values(parts);
  const passed = all.reduce((n, p) => n + p.passed, 0);
  const failed = all.reduce((n, p) => n + p.failed, 0);
  const failures = all.flatMap((p) => p.failures);
  const lines = [`policygate-capital ${sdk.ENGINE_VERSION} (dist) on ${runtimeName()}`];
  lines.push(`conformance cases: ${parts.cases.passed} passed, ${parts.cases.failed} failed`);
  if (parts.audit) lines.push(`reference audit replay: ${parts.audit.passed} passed, ${parts.audit.failed} failed`);
  lines.push(...failures.slice(0, 10).map((f) => `  FAIL ${f}`));
  if (failures.length > 10) lines.push(`  … and ${failures.length - 10} more failures`);
  lines.push(`${passed} passed, ${failed} failed`);
  return { ...parts, passed, failed, failures, lines };
}
