// policygate-capital: the isomorphic core. No `node:` imports; the only globals used are `crypto`,
// `TextEncoder` and `performance`. Node-only helpers live in `policygate-capital/node`.
export { PolicyGateError, ValidationError, PolicyError, type Issue, type ErrorCode } from './errors.js';
export {
  OrderIntentSchema,
  PortfolioStateSchema,
  MarketSnapshotSchema,
  ExecutionStateSchema,
  RecentOrderSchema,
  type RecentOrder,
  type OrderIntent,
  type PortfolioState,
  type MarketSnapshot,
  type ExecutionState,
  type ExecutionStateInput,
} from './model/schemas.js';
export { parseOrderIntent, parsePortfolioState, parseMarketSnapshot, parseExecutionState } from './model/parse.js';
export {
  PolicySchema,
  PolicyV01Schema,
  PolicyV02Schema,
  RULE_IDS,
  RULE_IDS_V01,
  POLICY_VERSIONS,
  type Policy,
  type PolicyV01,
  type PolicyV02,
  type OrderLimits,
  type InstrumentSpec,
  type ExecutionLimitsV02,
  type PolicyInput,
  type RuleId,
  type ExposureLimits,
  type LossLimits,
  type ExecutionLimits,
} from './policy/schema.js';
export { parsePolicy } from './policy/parse.js';
export { parsePolicyYaml } from './policy/load.js';
export { evaluate } from './engine/evaluate.js';
export { PolicyEngine } from './engine/policy-engine.js';
export type { Decision, DecisionBase, AllowDecision, DenyDecision, ModifyDecision, DecisionKind, Evidence, EvidenceMetric, Severity, Violation } from './engine/types.js';
export { policyHash, sha256Hex } from './util/sha256.js';
export { pyRound, pyFixed } from './util/py-round.js';
export { canonicalJson } from './util/canonical-json.js';
export { parseJsonText, locateJsonIssues } from './util/json-text.js';
export { ENGINE_VERSION } from './version.js';
// Audit trail: events, the hash chain, reading, replay, sinks (docs: /docs/audit/).
export {
  AuditEventSchema,
  DecisionSchema,
  ViolationSchema,
  EvidenceSchema,
  type AuditEvent,
} from './audit/schema.js';
export { buildAuditEvent, serializeAuditEvent, type AuditEventOptions } from './audit/event.js';
export { AuditChain, type AuditChainOptions, type ChainHead } from './audit/chain.js';
export {
  readAuditLog,
  type AuditLog,
  type AuditLogEntry,
  type AuditLogProblem,
  type ChainBreak,
  type ChainBreakKind,
  type ChainSummary,
  type ReadAuditLogOptions,
} from './audit/reader.js';
export {
  replayEvent,
  decisionsMatch,
  diffDecisions,
  replayAuditLog,
  type CompareOptions,
  type ReplaySummary,
  type ReplayMismatch,
  type PolicyHashMismatch,
} from './audit/replay.js';
export type { AuditSink } from './audit/sink.js';
export { AuditWriteError } from './audit/errors.js';
export { MemoryAuditSink } from './audit/memory-sink.js';
export { createAuditedEvaluator, type AuditedEvaluator, type AuditedEvaluatorOptions } from './audit/audited.js';
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
