// `npm run bench`: runs every bench/*.bench.mjs in its own Node process (so one benchmark's JIT
// state and garbage do not colour the next), against the built package in packages/*/dist.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const dir = new URL('./', import.meta.url);
const only = process.argv.slice(2);
// cli-start.mjs times whole processes (the CLI against `node -e 0`), not functions in this process.
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs') || f === 'cli-start.mjs')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
console.log(`policygate-capital benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
let failed = false;
for (const file of files) {
  console.log(`\n## ${file}`);
  const r = spawnSync(process.execPath, ['--expose-gc', new URL(file, dir).pathname], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
