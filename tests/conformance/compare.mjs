// How a decision is compared with an expected one (docs: /docs/semantics/, "Conformance"). Plain ESM with no
// imports, shared by the Vitest conformance suite and the runtime-neutral run on Node, Deno, Bun and
// Chromium. Independent of the SDK's own comparison (diffDecisions), so a bug there cannot hide a
// failure here.

/** Numbers in `computed` agree within 1e-9 relative (the summation order may differ). */
export const RELATIVE_TOLERANCE = 1e-9;

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
 * The differences between a decision and the expected one (docs: /docs/semantics/, "Conformance"):
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
        // Numbers within the tolerance; anything else (EXEC-003's `duplicate_of` id) exactly.
        const same = typeof a === 'number' && typeof b === 'number' ? close(a, b) : a === b && a !== undefined;
        if (!same) out.push(`violations[${i}].computed.${k}: ${show(a)} != ${show(b)}`);
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
