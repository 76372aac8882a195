// policygate-capital: the isomorphic core. No `node:` imports; the only globals used are `crypto`,
// `TextEncoder` and `performance`. Node-only helpers live in `policygate-capital/node`.
export { PolicyGateError, ValidationError, PolicyError, type Issue } from './errors.js';
export {
  OrderIntentSchema,
  PortfolioStateSchema,
  MarketSnapshotSchema,
  ExecutionStateSchema,
  type OrderIntent,
  type PortfolioState,
  type MarketSnapshot,
  type ExecutionState,
  type ExecutionStateInput,
} from './model/schemas.js';
export { parseOrderIntent, parsePortfolioState, parseMarketSnapshot, parseExecutionState } from './model/parse.js';
export {
  PolicySchema,
  RULE_IDS,
  type Policy,
  type PolicyInput,
  type RuleId,
  type ExposureLimits,
  type LossLimits,
  type ExecutionLimits,
} from './policy/schema.js';
export { parsePolicy, parsePolicyYaml } from './policy/load.js';
export { evaluate } from './engine/evaluate.js';
export { PolicyEngine } from './engine/policy-engine.js';
export type { Decision, DecisionKind, Evidence, Severity, Violation } from './engine/types.js';
export { policyHash, sha256Hex } from './util/sha256.js';
export { pyRound, pyFixed } from './util/py-round.js';
export { canonicalJson } from './util/canonical-json.js';
export { ENGINE_VERSION } from './version.js';
