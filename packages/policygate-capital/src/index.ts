// policygate-capital: the isomorphic core — the engine, the stateful gate, parsing, errors and the
// wire types. No `node:` imports; the only globals used are `crypto`, `TextEncoder` and `performance`.
// Other entries by concern: `policygate-capital/audit` (events, chain, reading, replay, sinks),
// `policygate-capital/schemas` (the valibot schemas), `policygate-capital/node` (files, the file
// sink), `policygate-capital/server` (the HTTP service's fetch handler).
export { PolicyGateError, ValidationError, PolicyError, type Issue, type ErrorCode } from './errors.js';
export type { OrderIntent, PortfolioState, MarketSnapshot, ExecutionState, ExecutionStateInput, RecentOrder } from './model/schemas.js';
export { parseOrderIntent, parsePortfolioState, parseMarketSnapshot, parseExecutionState } from './model/parse.js';
export {
  RULE_IDS,
  RULE_IDS_V01,
  POLICY_VERSIONS,
  type Policy,
  type PolicyV01,
  type PolicyV02,
  type PolicyInput,
  type RuleId,
  type ExposureLimits,
  type LossLimits,
  type ExecutionLimits,
  type ExecutionLimitsV02,
  type OrderLimits,
  type InstrumentSpec,
} from './policy/schema.js';
export { parsePolicy } from './policy/parse.js';
export { parsePolicyYaml } from './policy/load.js';
export { evaluate } from './engine/evaluate.js';
export { PolicyEngine } from './engine/policy-engine.js';
export {
  explainDecision,
  DECISION_RULE,
  type Explanation,
  type ExplainOptions,
  type LimitSource,
  type SourceOrigin,
  type ViolationExplanation,
  type EvidenceExplanation,
  type DecisionOutcome,
  type OutcomeReason,
  type LiftedHalt,
} from './explain/explain-decision.js';
export type { Decision, DecisionBase, AllowDecision, DenyDecision, ModifyDecision, DecisionKind, Evidence, EvidenceMetric, Severity, Violation } from './engine/types.js';
export { policyHash } from './util/sha256.js';
// For UIs that show JSON input errors at their line and column (the playground is one): strict JSON
// with positions, and the positions of schema issues in the text.
export { parseJsonText, locateJsonIssues } from './util/json-text.js';
export { ENGINE_VERSION } from './version.js';
// The audit event a gate check produces (`PolicyGate.auditEvent`); the audit API is `policygate-capital/audit`.
export type { AuditEvent } from './audit/schema.js';
// Stateful gate: order windows, kill switch, positions and marks kept by the SDK.
export {
  PolicyGate,
  type PolicyGateOptions,
  type Fill,
  type EquityUpdate,
  type GateCheck,
  type MaxQty,
  type MaxQtyOptions,
  type RestoreOptions,
} from './gate/policy-gate.js';
export type { KillSwitchState, KillSwitchEvent } from './gate/kill-switch.js';
export type { GateSnapshot } from './gate/snapshot.js';
