// The in-page audit log: each evaluation can be appended (the SDK's buildAuditEvent into a chained
// MemoryAuditSink), verified by replaying it in the page, and downloaded as the JSONL that the CLI's
// `policygate-replay` accepts, together with the policy file it must be replayed under.
import { PolicyEngine, type DecisionKind } from 'policygate-capital';
import { buildAuditEvent, MemoryAuditSink, replayAuditLog } from 'policygate-capital/audit';
import { useRef, useState } from 'react';
import type { WorkspaceResult } from '../lib/evaluate-workspace';

type Good = Extract<WorkspaceResult, { ok: true }>;

interface Entry {
  seq: number;
  decision: DecisionKind;
  intentId: string;
  policyHash: string;
}

// File name of the downloaded log.
const AUDIT_FILE = 'policygate-audit.jsonl';

/** The policy file name for a hash: `policy.yaml` when the log has one policy, else by hash. */
const policyFileName = (hash: string, several: boolean) => (several ? `policy-${hash.slice(0, 12)}.yaml` : 'policy.yaml');

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The audit log panel. `current` is the evaluation on screen, or null while the inputs have errors
 * (nothing stale can be appended).
 *
 * @example
 * ```tsx
 * <AuditPanel current={result.ok ? result : null} />
 * ```
 */
export function AuditPanel({ current }: { current: Good | null }) {
  const sink = useRef(new MemoryAuditSink());
  const runId = useRef(`playground-${new Date().toISOString()}`);
  const [entries, setEntries] = useState<Entry[]>([]);
  // Every policy text the log's events were evaluated under, by hash: replay needs the exact bytes.
  const [policies, setPolicies] = useState<Map<string, string>>(new Map());
  const [status, setStatus] = useState('');

  const append = () => {
    if (!current) return;
    const { decision, inputs, policyHash, policyText } = current;
    try {
      const event = buildAuditEvent(decision, inputs.intent, inputs.portfolio, inputs.market, inputs.execution, policyHash, { runId: runId.current });
      sink.current.append(event);
    } catch (e) {
      setStatus(`Not appended: ${(e as Error).message}`);
      return;
    }
    setEntries((prev) => [...prev, { seq: prev.length + 1, decision: decision.decision, intentId: decision.intent_id, policyHash }]);
    setPolicies((prev) => (prev.has(policyHash) ? prev : new Map(prev).set(policyHash, policyText)));
    setStatus(`Appended event ${sink.current.size}: ${decision.decision} for ${decision.intent_id}.`);
  };

  const verify = async () => {
    const text = sink.current.toJsonl();
    let matched = 0;
    let total = 0;
    const problems: string[] = [];
    for (const [hash, policyText] of policies) {
      const summary = await replayAuditLog(text, await PolicyEngine.fromYaml(policyText));
      total = summary.total;
      matched += summary.matched;
      if (summary.mismatched.length) problems.push(`${summary.mismatched.length} replayed differently under policy ${hash.slice(0, 12)}`);
      if (summary.badLines.length || summary.chainBreaks.length) problems.push(`${summary.badLines.length} bad lines, ${summary.chainBreaks.length} chain breaks`);
    }
    setStatus(
      problems.length === 0 && matched === total
        ? `Replayed in this page: all ${total} events give the same decision under the policy they were recorded with.`
        : `Replay found problems: ${problems.join('; ') || `${matched} of ${total} matched`}.`,
    );
  };

  const clear = () => {
    sink.current = new MemoryAuditSink();
    setEntries([]);
    setPolicies(new Map());
    setStatus('Audit log cleared.');
  };

  const several = policies.size > 1;
  return (
    <section className="audit" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p className="audit__note">
        Append evaluations to a hash-chained audit log kept in this page, then download it and replay it with the CLI:
        <br />
        <code>
          npx policygate-replay --policy {policyFileName(entries[0]?.policyHash ?? '', several)} --audit-log {AUDIT_FILE}
        </code>
      </p>
      <div className="audit__actions">
        <button type="button" onClick={append} disabled={!current} data-testid="audit-append">
          Append this evaluation
        </button>
        <button type="button" onClick={() => download(AUDIT_FILE, sink.current.toJsonl(), 'application/x-ndjson')} disabled={entries.length === 0} data-testid="audit-download">
          Download {AUDIT_FILE}
        </button>
        {[...policies].map(([hash, text]) => (
          <button key={hash} type="button" onClick={() => download(policyFileName(hash, several), text, 'application/yaml')} data-testid="audit-download-policy">
            Download {policyFileName(hash, several)}
          </button>
        ))}
        <button type="button" onClick={verify} disabled={entries.length === 0} data-testid="audit-verify">
          Replay in page
        </button>
        <button type="button" onClick={clear} disabled={entries.length === 0}>
          Clear
        </button>
      </div>
      {several && (
        <p className="audit__note">
          The log holds events from {policies.size} policies: replay each policy file; events of the others are reported as recorded under another policy, not as mismatches.
        </p>
      )}
      <p role="status" className="audit__note" data-testid="audit-status">
        {status}
      </p>
      {entries.length > 0 && (
        <ol className="audit__list" data-testid="audit-entries" aria-label="Audit events">
          {entries.map((e) => (
            <li key={e.seq}>
              <strong>{e.decision}</strong> {e.intentId} <span className="audit__hash">policy {e.policyHash.slice(0, 12)}…</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
