// policygate-capital/audit: the audit trail — events, their canonical lines, the hash chain, reading
// a log, replay that proves every decision, and sinks. Isomorphic (the file sink is in `/node`).
export type { AuditEvent } from './schema.js';
export { buildAuditEvent, serializeAuditEvent, type AuditEventOptions } from './event.js';
// For sinks of your own (a database, a message queue): the chain makes their lines verifiable the
// same way as the file sink's.
export { AuditChain, type AuditChainOptions, type ChainHead } from './chain.js';
export {
  readAuditLog,
  type AuditLog,
  type AuditLogEntry,
  type AuditLogProblem,
  type ChainBreak,
  type ChainBreakKind,
  type ChainSummary,
  type ReadAuditLogOptions,
} from './reader.js';
export {
  replayEvent,
  decisionsMatch,
  diffDecisions,
  replayAuditLog,
  type CompareOptions,
  type ReplaySummary,
  type ReplayMismatch,
  type PolicyHashMismatch,
} from './replay.js';
export type { AuditSink } from './sink.js';
export { AuditWriteError } from './errors.js';
export { MemoryAuditSink } from './memory-sink.js';
export { createAuditedEvaluator, type AuditedEvaluator, type AuditedEvaluatorOptions } from './audited.js';
