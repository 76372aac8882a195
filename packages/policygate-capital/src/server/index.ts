// policygate-capital/server: the gate as a Web-standard fetch handler (Request → Response), run
// as-is by Deno.serve and Bun.serve, and by Node through the `policygate-serve` bin's adapter. No
// `node:` imports: the same isomorphic rules as the core.
export { GateService, type GateServiceOptions, type RequestLogEntry, type ServiceAuditSink, type ServiceContext, type ServiceGate } from './service.js';
export { gateFromState, type GateSeed } from './seed.js';
export { HttpError, type Reply, type ServiceRequest } from './http.js';
export { MAX_BODY_BYTES, type BodyReader } from './body.js';
export {
  IntentRequestSchema,
  MaxQtyRequestSchema,
  FillSchema,
  FillsRequestSchema,
  PricesRequestSchema,
  EquityRequestSchema,
  KillSwitchResetRequestSchema,
  REQUEST_SCHEMAS,
} from './schemas.js';
export { openApiDocument, type OpenApiSchemas, type JsonSchema } from './openapi.js';
export { ServiceMetrics, type MetricsSnapshot } from './metrics.js';
