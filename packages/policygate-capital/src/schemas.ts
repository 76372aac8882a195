// policygate-capital/schemas: the valibot schemas of every wire format and of the policy, for apps
// that compose them into their own schemas. The `parse…` functions of the main entry validate with
// these; JSON Schema versions of them ship as `policygate-capital/schemas/*.json`.
export { OrderIntentSchema, PortfolioStateSchema, MarketSnapshotSchema, ExecutionStateSchema, RecentOrderSchema, InstrumentSchema } from './model/schemas.js';
export {
  PolicySchema,
  PolicyV01Schema,
  PolicyV02Schema,
  ExposureLimitsSchema,
  LossLimitsSchema,
  ExecutionLimitsSchema,
  ExecutionLimitsV02Schema,
  KillSwitchSchema,
  KillSwitchV02Schema,
  OrderLimitsSchema,
  MarketDataLimitsSchema,
  InstrumentSpecSchema,
  OverrideSchema,
  OverrideV02Schema,
} from './policy/schema.js';
export { AuditEventSchema, DecisionSchema, ViolationSchema, EvidenceSchema } from './audit/schema.js';
