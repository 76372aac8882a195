// Command-line entry of the runtime run for Node, Deno and Bun: reads the shared conformance data with
// the runtime's own file API, runs conformance-run.mjs and prints its report. Exit code 1 on any failure.
//   node tests/runtimes/main.mjs
//   deno run --allow-read tests/runtimes/main.mjs
//   bun run tests/runtimes/main.mjs
import { runConformance } from './conformance-run.mjs';

const g = globalThis;
const dir = new URL('../fixtures/conformance/', import.meta.url);
const readText = g.Deno ? (url) => g.Deno.readTextFile(url) : g.Bun ? (url) => g.Bun.file(url).text() : async (url) => (await import('node:fs/promises')).readFile(url, 'utf8');
const read = (name) => readText(new URL(name, dir));

const report = await runConformance({
  casesJsonl: await read('cases.jsonl'),
  casesV02Jsonl: await read('cases-v02.jsonl'),
  auditJsonl: await read('reference-audit.jsonl'),
  auditPolicyYaml: await read('reference-policy.yaml'),
});
console.log(report.lines.join('\n'));
if (report.failed > 0 || report.passed === 0) {
  if (g.Deno) g.Deno.exit(1);
  else g.process.exitCode = 1;
}
