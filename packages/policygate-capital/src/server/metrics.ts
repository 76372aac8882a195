// Prometheus metrics of one service (text exposition format 0.0.4), every name prefixed
// `policygate_`. Counters are plain numbers on this object: a decision costs a few increments.
import type { Decision } from '../index.js';

/** Upper bounds (seconds) of the decision latency histogram's buckets: 50 µs to 1 s. */
const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** What the metrics read from the service when scraped. */
export interface MetricsSnapshot {
  policyHash: string;
  killSwitchActive: boolean;
  auditQueueDepth: number;
  ready: boolean;
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The service's counters: decisions by outcome and by rule, the decision latency histogram (from
 * the request's arrival to the audited answer), audit failures, HTTP responses by status, reloads.
 *
 * @example
 * ```ts
 * const m = new ServiceMetrics()
 * m.decided(decision, 0.0004)
 * console.log(m.render({ policyHash, killSwitchActive: false, auditQueueDepth: 0, ready: true }))
 * ```
 */
export class ServiceMetrics {
  private readonly decisions = new Map<string, number>();
  private readonly violations = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private latencyCount = 0;
  private latencySum = 0;
  private readonly responses = new Map<number, number>();
  /** Audit appends that failed (the decision was answered 503, not approved). */
  auditFailures = 0;
  /** Policy reloads that took effect, and those refused. */
  reloads = 0;
  reloadFailures = 0;

  /** Counts a decision and its latency in seconds. */
  decided(decision: Decision, seconds: number): void {
    this.decisions.set(decision.decision, (this.decisions.get(decision.decision) ?? 0) + 1);
    for (const v of decision.violations) this.violations.set(v.rule_id, (this.violations.get(v.rule_id) ?? 0) + 1);
    this.latencyCount++;
    this.latencySum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        this.buckets[i]!++;
        break;
      }
    }
  }

  /** Counts a response by status. */
  responded(status: number): void {
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }

  /** The metrics as Prometheus text. */
  render(s: MetricsSnapshot): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('policygate_decisions_total', 'counter', 'Decisions answered, by outcome.');
    for (const d of ['ALLOW', 'MODIFY', 'DENY']) out.push(`policygate_decisions_total{decision="${d}"} ${this.decisions.get(d) ?? 0}`);
    family('policygate_violations_total', 'counter', 'Rule violations in decisions, by rule id.');
    for (const [rule, n] of [...this.violations].sort(([a], [b]) => (a < b ? -1 : 1))) out.push(`policygate_violations_total{rule_id="${label(rule)}"} ${n}`);
    family('policygate_decision_duration_seconds', 'histogram', 'Time from the request to the audited decision.');
    let cumulative = 0;
    for (let i = 0; i < BUCKETS.length; i++) {
      cumulative += this.buckets[i]!;
      out.push(`policygate_decision_duration_seconds_bucket{le="${BUCKETS[i]}"} ${cumulative}`);
    }
    out.push(`policygate_decision_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    out.push(`policygate_decision_duration_seconds_sum ${this.latencySum}`, `policygate_decision_duration_seconds_count ${this.latencyCount}`);
    family('policygate_audit_queue_depth', 'gauge', 'Audit appends started and not yet stored.');
    out.push(`policygate_audit_queue_depth ${s.auditQueueDepth}`);
    family('policygate_audit_failures_total', 'counter', 'Audit appends that failed (answered 503, not approved).');
    out.push(`policygate_audit_failures_total ${this.auditFailures}`);
    family('policygate_kill_switch_active', 'gauge', '1 while the kill switch is tripped.');
    out.push(`policygate_kill_switch_active ${s.killSwitchActive ? 1 : 0}`);
    family('policygate_policy_info', 'gauge', 'The policy in force, by hash.');
    out.push(`policygate_policy_info{policy_hash="${label(s.policyHash)}"} 1`);
    family('policygate_policy_reloads_total', 'counter', 'Policy reloads, by result.');
    out.push(`policygate_policy_reloads_total{result="ok"} ${this.reloads}`, `policygate_policy_reloads_total{result="refused"} ${this.reloadFailures}`);
    family('policygate_ready', 'gauge', '1 once the policy and the state are loaded and the service is not shutting down.');
    out.push(`policygate_ready ${s.ready ? 1 : 0}`);
    family('policygate_http_responses_total', 'counter', 'HTTP responses, by status.');
    for (const [status, n] of [...this.responses].sort(([a], [b]) => a - b)) out.push(`policygate_http_responses_total{status="${status}"} ${n}`);
    return out.join('\n') + '\n';
  }
}
