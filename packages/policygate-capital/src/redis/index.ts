// policygate-capital/redis: a PolicyGate whose state every process opening the same book shares,
// through Redis (node-redis, an optional peer dependency). Node only.
export { RedisGate, type RedisGateOptions } from './redis-gate.js';
export { applyBookOp, type BookOp, type BookOpResult, type CommittedOp } from './ops.js';
