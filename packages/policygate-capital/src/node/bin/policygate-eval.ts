// The `policygate-eval` bin: evaluates orders from files (see cli/eval.ts and `--help`).
import { runEval } from '../cli/eval.js';

process.exitCode = await runEval(process.argv.slice(2), process);
