// The `policygate-eval` bin: evaluates orders from files (see cli/eval.ts and `--help`). Built as a
// CommonJS script (no top-level await), which bin/policygate-eval.cjs runs with a V8 code cache.
import { runEval } from '../cli/eval.js';

void runEval(process.argv.slice(2), process).then((code) => {
  process.exitCode = code;
});
