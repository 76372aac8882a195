import { RULE_IDS } from '../../policy/schema.js';
import { parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from '../../model/parse.js';
import type { ExecutionState, MarketSnapshot, OrderIntent, PortfolioState } from '../../model/schemas.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';
import type { Decision, DecisionKind } from '../../engine/types.js';
import { ValidationError, type Issue } from '../../errors.js';
import { locateJsonIssues, parseJsonText } from '../../util/json-text.js';
import { describeIssues, FileError, formatBytes, loadPolicyFile, MAX_FILE_BYTES, readJsonFile } from '../files.js';
import { formatHelp, UsageError, type OptionSpecs } from './args.js';
import type { AuditWriter } from './audit.js';
import { MAX_LINE_BYTES } from './limits.js';
import { describeError, EXIT, formatJson, LineWriter, runCommand, type CliIo } from './output.js';

const COMMAND = 'policygate-eval';

const OPTIONS = {
  policy: { type: 'string', value: 'FILE.yaml', help: 'the policy (YAML)' },
  intent: { type: 'string', value: 'FILE.json', help: 'the order to evaluate' },
  intents: { type: 'string', value: 'FILE.jsonl', help: "a stream of orders, one JSON object a line ('-' = standard input)" },
  portfolio: { type: 'string', value: 'FILE.json', help: 'the portfolio state' },
  market: { type: 'string', value: 'FILE.json', help: 'the market snapshot (prices)' },
  execution: { type: 'string', value: 'FILE.json', help: 'the execution state (default: empty)' },
  'audit-log': { type: 'string', value: 'FILE.jsonl', help: 'append one audit event per evaluation to this file' },
  'run-id': { type: 'string', value: 'ID', help: 'a run id written into every audit event' },
  pretty: { type: 'boolean', help: 'indent the JSON (with --intent only)' },
  debug: { type: 'boolean', help: 'show stack traces on errors' },
  help: { type: 'boolean', help: 'show this help' },
  version: { type: 'boolean', help: 'show the version' },
} satisfies OptionSpecs;

const HELP = formatHelp(
  `${COMMAND} --policy FILE.yaml (--intent FILE.json | --intents FILE.jsonl) --portfolio FILE.json --market FILE.json [--execution FILE.json] [--audit-log FILE.jsonl] [--pretty]`,
  [
    'Evaluates orders against a capital policy and prints each decision as JSON (keys sorted).',
    'With --intent: one decision. With --intents: one decision a line, and a summary on standard error.',
  ].join('\n'),
  OPTIONS,
  [
    `Limits: each input file at most ${formatBytes(MAX_FILE_BYTES)}; each line of --intents at most ${formatBytes(MAX_LINE_BYTES)} (a longer line is a bad line).`,
    'Exit codes: 0 = ALLOW or MODIFY, 1 = DENY (with --intents: any DENY), 2 = error (with --intents: any bad line),',
    '130/143 = a stream interrupted by SIGINT/SIGTERM (the audit events of the decisions printed are written first).',
    'Example:',
    `  ${COMMAND} --policy policy.yaml --intent intent.json --portfolio portfolio.json --market market.json --pretty`,
  ].join('\n'),
);

export type { CliIo } from './output.js';

/** The state every intent of a run is evaluated against. */
interface RunState {
  engine: PolicyEngine;
  portfolio: PortfolioState;
  market: MarketSnapshot;
  execution: ExecutionState;
}

/**
 * Runs `policygate-eval` with `argv` (arguments after the script) and resolves to the exit code.
 * Never throws: every error is printed to `io.stderr` and gives exit code 2.
 *
 * @example
 * ```ts
 * process.exitCode = await runEval(process.argv.slice(2), process)
 * ```
 */
export function runEval(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(argv, io, { name: COMMAND, specs: OPTIONS, help: HELP }, async (opts, debug) => {
    const missing = [
      opts.policy === undefined && '--policy',
      opts.intent === undefined && opts.intents === undefined && '--intent (or --intents)',
      opts.portfolio === undefined && '--portfolio',
      opts.market === undefined && '--market',
    ].filter(Boolean);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
    if (opts.intent !== undefined && opts.intents !== undefined) throw new UsageError('give either --intent or --intents, not both');
    if (opts.pretty && opts.intents !== undefined) throw new UsageError('--pretty cannot be used with --intents (the output is one decision a line)');

    const loaded = await loadAll({
      engine: () => loadPolicyFile(opts.policy!),
      intent: () => (opts.intent === undefined ? Promise.resolve(undefined) : readJsonFile(opts.intent, parseOrderIntent)),
      portfolio: () => readJsonFile(opts.portfolio!, parsePortfolioState),
      market: () => readJsonFile(opts.market!, parseMarketSnapshot),
      execution: () => (opts.execution === undefined ? Promise.resolve(parseExecutionState({})) : readJsonFile(opts.execution, parseExecutionState)),
    });
    if (!loaded.ok) {
      for (const e of loaded.errors) io.stderr.write(describeError(e, COMMAND, debug));
      return EXIT.error;
    }
    const { intent, ...state } = loaded.values;
    const auditOptions = { path: opts['audit-log'], runId: opts['run-id'] };
    if (intent !== undefined) return await evaluateOne(intent, state, opts.pretty === true, auditOptions, io);
    return await evaluateStream(opts.intents!, state, auditOptions, io, debug);
  });
}

/** Loads every input at once so that all bad files are reported together, not one per run. */
async function loadAll<T extends Record<string, () => Promise<unknown>>>(loaders: T): Promise<{ ok: true; values: { [K in keyof T]: Awaited<ReturnType<T[K]>> } } | { ok: false; errors: unknown[] }> {
  const names = Object.keys(loaders);
  const results = await Promise.allSettled(names.map((n) => loaders[n]!()));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length) return { ok: false, errors };
  const values = Object.fromEntries(names.map((n, i) => [n, (results[i] as PromiseFulfilledResult<unknown>).value]));
  return { ok: true, values: values as { [K in keyof T]: Awaited<ReturnType<T[K]>> } };
}

interface AuditOptions {
  path: string | undefined;
  runId: string | undefined;
}

const exitFor = (kind: DecisionKind) => (kind === 'DENY' ? EXIT.deny : EXIT.ok);

async function evaluateOne(intent: OrderIntent, state: RunState, pretty: boolean, audit: AuditOptions, io: CliIo): Promise<number> {
  const decision = state.engine.evaluate(intent, state.portfolio, state.market, state.execution);
  if (audit.path !== undefined) {
    // Fail closed: a decision whose audit event could not be written is not printed (exit 2).
    // Loaded only when asked for: the audit code (hashing, the file sink) is not needed otherwise.
    const { openAuditWriter } = await import('./audit.js');
    const writer = await openAuditWriter(audit.path, state.engine, { durable: true, runId: audit.runId });
    try {
      await writer.append(decision, intent, state.portfolio, state.market, state.execution);
    } finally {
      await writer.close();
    }
  }
  const out = new LineWriter(io.stdout);
  await out.line(formatJson(decision, pretty));
  await out.end();
  if (out.failure) throw out.failure;
  return exitFor(decision.decision);
}

/** Intents evaluated before the progress line may appear (on a terminal only). */
const PROGRESS_AFTER = 10_000;
const PROGRESS_EVERY_MS = 250;
/** Bad lines described in full; later ones are only counted. */
const MAX_REPORTED_BAD_LINES = 20;

async function evaluateStream(path: string, state: RunState, audit: AuditOptions, io: CliIo, debug: boolean): Promise<number> {
  const { openInput, readLines } = await import('./lines.js');
  const input = await openInput(path, io.stdin);
  const out = new LineWriter(io.stdout);
  const counts: Record<DecisionKind, number> = { ALLOW: 0, MODIFY: 0, DENY: 0 };
  const ruleCounts = new Map<string, number>();
  let badLines = 0;
  let evaluated = 0;
  let progressShown = false;
  let lastProgress = -Infinity;
  const progress = io.stderr.isTTY === true;
  const writer: AuditWriter | undefined = audit.path === undefined ? undefined : await (await import('./audit.js')).openAuditWriter(audit.path, state.engine, { durable: false, runId: audit.runId });
  let failure: unknown;
  // Ctrl-C or a kill: stop reading, write and sync the audit events of the decisions already printed,
  // print the summary, exit 128 + the signal's number. A second signal ends the process at once.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    removeSignalHandlers();
    input.close?.();
  };
  const removeSignalHandlers = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for await (const { line, text, error } of readLines(input)) {
      if (interrupted) break;
      if (error === undefined && text.trim() === '') continue;
      // A line that is not UTF-8 or is too long comes as an error, numbered like every other line.
      const intent = error ?? parseIntentLine(text!, input.name, line);
      if (intent instanceof FileError) {
        badLines++;
        if (badLines <= MAX_REPORTED_BAD_LINES) io.stderr.write(`${progressShown ? '\r\x1b[K' : ''}${describeError(intent, COMMAND, debug)}`);
        else if (badLines === MAX_REPORTED_BAD_LINES + 1) io.stderr.write(`${COMMAND}: more bad lines follow; only their count is reported\n`);
        continue;
      }
      const decision: Decision = state.engine.evaluate(intent, state.portfolio, state.market, state.execution);
      if (writer) await writer.append(decision, intent, state.portfolio, state.market, state.execution);
      evaluated++;
      counts[decision.decision]++;
      const fired = new Set<string>();
      for (const v of decision.violations) fired.add(v.rule_id);
      for (const rule of fired) ruleCounts.set(rule, (ruleCounts.get(rule) ?? 0) + 1);
      await out.line(formatJson(decision));
      if (out.closed) break;
      if (progress && evaluated >= PROGRESS_AFTER) {
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now;
          progressShown = true;
          io.stderr.write(`\r\x1b[K${COMMAND}: ${evaluated} evaluated: ${formatCounts(counts)}…`);
        }
      }
    }
  } catch (e) {
    // Closing the input on a signal may end the read with an error; that is the interruption itself.
    if (!interrupted) failure = e;
  } finally {
    removeSignalHandlers();
    await out.end();
    if (writer) {
      try {
        await writer.close();
      } catch (e) {
        failure ??= e;
      }
    }
  }
  if (progressShown) io.stderr.write('\r\x1b[K');
  const rules = RULE_IDS.filter((r) => ruleCounts.has(r)).map((r) => `${r} ${ruleCounts.get(r)}`);
  io.stderr.write(
    `${COMMAND}: ${evaluated} evaluated: ${formatCounts(counts)}; ${badLines} bad line${badLines === 1 ? '' : 's'}\n` +
      `${COMMAND}: rules fired (intents): ${rules.length ? rules.join(', ') : 'none'}\n`,
  );
  if (failure !== undefined) {
    io.stderr.write(describeError(failure, COMMAND, debug));
    return EXIT.error;
  }
  if (out.failure) {
    io.stderr.write(describeError(out.failure, COMMAND, debug));
    return EXIT.error;
  }
  if (out.closed) {
    io.stderr.write(`${COMMAND}: standard output was closed after ${evaluated} decisions; stopped\n`);
    return EXIT.error;
  }
  if (interrupted) {
    io.stderr.write(`${COMMAND}: interrupted (${interrupted}) after ${evaluated} decisions${writer ? '; their audit events are written' : ''}\n`);
    return 128 + (interrupted === 'SIGINT' ? 2 : 15);
  }
  return badLines > 0 ? EXIT.error : counts.DENY > 0 ? EXIT.deny : EXIT.ok;
}

const formatCounts = (counts: Record<DecisionKind, number>) => `ALLOW ${counts.ALLOW}, MODIFY ${counts.MODIFY}, DENY ${counts.DENY}`;

/** One JSONL line as an intent, or the FileError that describes what is wrong with it (line and column). */
function parseIntentLine(text: string, name: string, line: number): OrderIntent | FileError {
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const { column, message } = e.issues[0]!;
    return new FileError('ERR_JSON', name, `invalid JSON in ${name} at line ${line}, column ${column}: ${message}`, [{ path: '', message, line, column }], {
      cause: e,
    });
  }
  try {
    return parseOrderIntent(value);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // The text is one line of the stream: the column is in it, the line is the stream's.
    const issues = locateJsonIssues(text, e.issues).map((issue): Issue => ({ ...issue, line }));
    return new FileError('ERR_VALIDATION', name, `invalid intent in ${name} at line ${line}:\n${describeIssues(issues)}`, issues, { cause: e });
  }
}
