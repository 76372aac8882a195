// Serves the BUILT policygate-capital/server handler with the runtime's own server — Deno.serve or
// Bun.serve, nothing adapted — on a free loopback port, with the seed example's state, and prints
// "listening <url>". The test posts to it from Node and stops the process.
import { PolicyEngine, parseMarketSnapshot, parsePortfolioState } from '../../packages/policygate-capital/dist/index.js';
import { GateService, gateFromState } from '../../packages/policygate-capital/dist/server.js';

const examples = new URL('../../examples/', import.meta.url);
const read = (name) => (globalThis.Deno ? Deno.readTextFile(new URL(name, examples)) : Bun.file(new URL(name, examples)).text());

const engine = await PolicyEngine.fromYaml(await read('policy.yaml'));
const portfolio = parsePortfolioState(JSON.parse(await read('portfolio.json')));
const market = parseMarketSnapshot(JSON.parse(await read('market.json')));
const service = await GateService.create({ gate: gateFromState(engine, { portfolio, market }), token: 'runtime-token' });

if (globalThis.Deno) {
  Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ hostname, port }) => console.log(`listening http://${hostname}:${port} deno ${Deno.version.deno}`) }, service.fetch);
} else {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: service.fetch });
  console.log(`listening http://127.0.0.1:${server.port} bun ${Bun.version}`);
}
