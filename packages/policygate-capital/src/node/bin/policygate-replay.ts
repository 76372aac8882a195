// The `policygate-replay` bin: replays an audit log under a policy (see cli/replay.ts and `--help`).
import { runReplay } from '../cli/replay.js';

process.exitCode = await runReplay(process.argv.slice(2), process);
