// Writes dist/schemas/openapi.json (exported as policygate-capital/schemas/openapi.json), the OpenAPI 3.1 document of policygate-serve, generated from the
// valibot schemas of the built package (the request bodies the service validates, the Decision it
// answers) with @valibot/to-json-schema: generated at build time, so the server needs no such
// dependency at run time and the document cannot drift from the validation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as sdk from '../dist/schemas.js';
import { ENGINE_VERSION } from '../dist/index.js';
import * as server from '../dist/server.js';

const convert = (schema) => toJsonSchema(schema, { errorMode: 'ignore', typeMode: 'input' });
const schemas = {
  ...Object.fromEntries(Object.entries(server.REQUEST_SCHEMAS).map(([name, schema]) => [name, convert(schema)])),
  Decision: convert(sdk.DecisionSchema),
  PortfolioState: convert(sdk.PortfolioStateSchema),
  MarketSnapshot: convert(sdk.MarketSnapshotSchema),
};
const doc = server.openApiDocument(schemas, ENGINE_VERSION);
mkdirSync(new URL('../dist/schemas/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/schemas/openapi.json', import.meta.url), JSON.stringify(doc, null, 2) + '\n');
console.log(`openapi: wrote dist/schemas/openapi.json (${Object.keys(doc.paths).length} paths, ${Object.keys(schemas).length} schemas)`);
