// The `policygate-serve` bin: the gate as an HTTP service (see serve/main.ts and `--help`).
import { runServe } from './main.js';

process.exitCode = await runServe(process.argv.slice(2), process);
