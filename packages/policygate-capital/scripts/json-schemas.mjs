// Writes JSON Schema (draft-07) for every wire format into dist/schemas/, generated from the
// valibot schemas of the built package, so other languages can validate the same data.
import { mkdirSync, writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as sdk from '../dist/schemas.js';

const out = new URL('../dist/schemas/', import.meta.url);
mkdirSync(out, { recursive: true });
const schemas = {
  'order-intent': sdk.OrderIntentSchema,
  'portfolio-state': sdk.PortfolioStateSchema,
  'market-snapshot': sdk.MarketSnapshotSchema,
  'execution-state': sdk.ExecutionStateSchema,
  policy: sdk.PolicySchema,
  ...(sdk.DecisionSchema && { decision: sdk.DecisionSchema }),
  ...(sdk.AuditEventSchema && { 'audit-event': sdk.AuditEventSchema }),
};
for (const [name, schema] of Object.entries(schemas)) {
  // 'ignore': transforms (version 0.1 → "0.1", timezone upper-casing) have no JSON Schema form;
  // the generated schema then describes the accepted input.
  const json = toJsonSchema(schema, { errorMode: 'ignore', typeMode: 'input' });
  json.$id = `https://policygate.dev/schemas/${name}.json`;
  json.title = name;
  writeFileSync(new URL(`${name}.json`, out), JSON.stringify(json, null, 2) + '\n');
}
console.log(`json-schemas: wrote ${Object.keys(schemas).length} schemas to dist/schemas/`);
