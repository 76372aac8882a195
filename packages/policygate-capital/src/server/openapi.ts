// The OpenAPI 3.1 document of the service, assembled from JSON Schemas that are generated from the
// valibot schemas (scripts/openapi.mjs runs this at build time with @valibot/to-json-schema and
// writes dist/schemas/openapi.json): the document cannot drift from what the service validates.

/** A JSON Schema object (as `@valibot/to-json-schema` produces). */
export type JsonSchema = Record<string, unknown>;

/** The component schemas the document needs, by name. */
export interface OpenApiSchemas {
  IntentRequest: JsonSchema;
  MaxQtyRequest: JsonSchema;
  FillsRequest: JsonSchema;
  PricesRequest: JsonSchema;
  EquityRequest: JsonSchema;
  KillSwitchResetRequest: JsonSchema;
  Decision: JsonSchema;
  PortfolioState: JsonSchema;
  MarketSnapshot: JsonSchema;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: object) => ({ content: { 'application/json': { schema } } });
const ERROR = { $ref: '#/components/responses/Error' };
const refusals = { '400': ERROR, '401': ERROR, '413': ERROR, '415': ERROR, '422': ERROR };

function post(summary: string, request: string | null, response: object, extra: Record<string, unknown> = {}) {
  return {
    post: {
      summary,
      ...(request !== null && { requestBody: { required: true, ...jsonContent(ref(request)) } }),
      responses: { '200': { description: 'OK', ...jsonContent(response) }, ...refusals, ...extra },
    },
  };
}

function get(summary: string, response: object, contentType = 'application/json', extra: Record<string, unknown> = {}) {
  return { get: { summary, responses: { '200': { description: 'OK', content: { [contentType]: { schema: response } } }, '401': ERROR, ...extra } } };
}

/** Drops the draft-07 `$schema` tag: OpenAPI 3.1 schemas are JSON Schema 2020-12 by default. */
function component(schema: JsonSchema): JsonSchema {
  const { $schema: _drop, $id: _id, title: _title, ...rest } = schema;
  void _drop, _id, _title;
  return rest;
}

/**
 * The service's OpenAPI 3.1 document, given the component schemas generated from valibot.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(schemas, '0.1.0')
 * doc.paths['/v1/check'].post.requestBody
 * ```
 */
export function openApiDocument(schemas: OpenApiSchemas, version: string): Record<string, unknown> {
  const decisionWithId = {
    allOf: [ref('Decision'), { type: 'object', required: ['decision_id', 'policy_hash'], properties: { decision_id: { type: ['string', 'null'], format: 'uuid' }, policy_hash: { type: 'string' } } }],
  };
  const unavailable = { '503': ERROR };
  return {
    openapi: '3.1.0',
    info: {
      title: 'policygate-serve',
      version,
      description: 'PolicyGate Capital as an HTTP service: pre-trade decisions (ALLOW, DENY, MODIFY) on a stateful gate, each appended to the audit log before it is answered.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, component(s as JsonSchema)])),
      responses: {
        Error: {
          description: 'A refused request',
          ...jsonContent({
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: {
                  code: { type: 'string' },
                  message: { type: 'string' },
                  issues: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['path', 'message'],
                      properties: { path: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          }),
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/intent': post("Decide one order (the Python service's interface): the Decision", 'IntentRequest', ref('Decision'), unavailable),
      '/v1/check': post('Decide one order: the Decision with its audit event id and policy hash', 'IntentRequest', decisionWithId, unavailable),
      '/v1/max-qty': post(
        'The largest quantity the exposure rules allow now',
        'MaxQtyRequest',
        {
          type: 'object',
          properties: {
            symbol: { type: 'string' },
            side: { enum: ['buy', 'sell'] },
            qty: { type: 'number' },
            binding: { enum: ['EXP-001', 'EXP-002', 'EXP-003', null] },
            limit: { type: ['number', 'null'] },
            lot: { type: 'number' },
            blocked_by: { type: 'array', items: { type: 'string' } },
          },
        },
        { '409': ERROR },
      ),
      '/v1/fills': post(
        'Apply broker fills (all or none)',
        'FillsRequest',
        { type: 'object', properties: { applied: { type: 'integer' }, positions: { type: 'object', additionalProperties: { type: 'number' } } } },
        { '409': ERROR },
      ),
      '/v1/prices': post('Change marks', 'PricesRequest', { type: 'object', properties: { updated: { type: 'integer' }, market: ref('MarketSnapshot') } }),
      '/v1/equity': post('Change equity figures', 'EquityRequest', { type: 'object', properties: { portfolio: ref('PortfolioState') } }, { '409': ERROR }),
      '/v1/kill-switch/reset': post('Reset a tripped kill switch (reason required)', 'KillSwitchResetRequest', {
        type: 'object',
        properties: { reset: { type: 'boolean' }, kill_switch: { type: 'object' } },
      }),
      '/v1/policy/reload': post(
        'Reload the policy file (refused with line and column when invalid; the old policy stays)',
        null,
        {
          type: 'object',
          properties: { policy_hash: { type: 'string' }, previous_policy_hash: { type: 'string' }, changed: { type: 'boolean' } },
        },
        { '500': ERROR },
      ),
      '/v1/state': get("The gate's snapshot (clock, portfolio, marks, windows, kill switch)", { type: 'object' }),
      '/health': {
        get: {
          summary: 'Liveness and readiness (503 until loaded, while shutting down, or after an audit failure)',
          security: [],
          responses: { '200': { description: 'Ready', ...jsonContent({ type: 'object' }) }, '503': { description: 'Not ready', ...jsonContent({ type: 'object' }) } },
        },
      },
      '/metrics': get('Prometheus metrics', { type: 'string' }, 'text/plain'),
      '/openapi.json': get('This document', { type: 'object' }),
    },
  };
}
