// policygate-serve: the GateService (policygate-capital/server) on node:http, through a listener
// of our own (node-listener.ts: no Web Request/Response per request). Adds what a process has and
// a fetch handler has not: files, the token from the environment, signals (SIGHUP
// reload, SIGTERM/SIGINT graceful shutdown) and the saved state.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { parseExecutionState, parseMarketSnapshot, parsePortfolioState, PolicyGate, type PolicyEngine } from '../../index.js';
import { GateService, gateFromState, HttpError } from '../../server/index.js';
import { FileAuditSink } from '../audit-file-sink.js';
import { loadPolicyFile, readJsonFile } from '../files.js';
import { formatHelp, UsageError, type OptionSpecs } from '../cli/args.js';
import type { CliIo } from '../cli/eval.js';
import { EXIT, runCommand } from '../cli/output.js';
import { JsonLineLogger } from './logger.js';
import { nodeRequestListener } from './node-listener.js';
import { openSharedGate, sharedOptions } from './shared.js';
import { readStateText, saveState } from './state.js';

const COMMAND = 'policygate-serve';

const OPTIONS = {
  policy: { type: 'string', value: 'FILE.yaml', help: 'the policy (YAML); reloaded on SIGHUP and POST /v1/policy/reload' },
  portfolio: { type: 'string', value: 'FILE.json', help: 'the starting portfolio (a saved --state wins)' },
  market: { type: 'string', value: 'FILE.json', help: 'the starting market snapshot' },
  execution: { type: 'string', value: 'FILE.json', help: 'the starting execution state (counts placed at the market timestamp)' },
  host: { type: 'string', value: 'HOST', help: 'the address to listen on (default 127.0.0.1)' },
  port: { type: 'string', value: 'PORT', help: 'the port (default 8100; 0 = any free port, printed at start)' },
  'audit-log': { type: 'string', value: 'FILE.jsonl', help: 'append every decision to this audit log before answering' },
  'audit-mode': { type: 'string', value: 'MODE', help: "durable (each answer waits for fdatasync; default) or batched (each answer waits for its turn's write(), not synced)" },
  state: { type: 'string', value: 'FILE.json', help: 'resume from this saved gate state, and save it at shutdown' },
  redis: { type: 'string', value: 'URL', help: 'share the gate state through Redis (redis://HOST:PORT): every process serving the same --book shares one budget' },
  book: { type: 'string', value: 'NAME', help: 'the shared book (with --redis); a new book starts from --portfolio and --market' },
  'redis-prefix': { type: 'string', value: 'P', help: 'the Redis key prefix (default policygate:)' },
  'redis-timeout-ms': { type: 'string', value: 'N', help: 'the bound of every Redis call in ms (default 250); past it a check is DENY SYS-002' },
  'no-auth': { type: 'boolean', help: 'serve without a token (refused unless --host is a loopback address)' },
  quiet: { type: 'boolean', help: 'no request log on standard output' },
  debug: { type: 'boolean', help: 'show stack traces on errors' },
  help: { type: 'boolean', help: 'show this help' },
  version: { type: 'boolean', help: 'show the version' },
} satisfies OptionSpecs;

const HELP = formatHelp(
  `${COMMAND} --policy FILE.yaml --portfolio FILE.json [--market FILE.json] [--execution FILE.json] [--host 127.0.0.1] [--port 8100] [--audit-log FILE.jsonl] [--audit-mode durable|batched] [--state FILE.json | --redis URL --book NAME [--redis-prefix P] [--redis-timeout-ms N]]`,
  [
    "Serves the gate over HTTP: POST /intent (the Python service's interface), /v1/check, /v1/max-qty, /v1/fills,",
    '/v1/prices, /v1/equity, /v1/kill-switch/reset, /v1/policy/reload; GET /v1/state, /health, /metrics, /openapi.json.',
    'The bearer token is read from POLICYGATE_TOKEN (never from a flag: flags show in ps).',
    'With --redis, every process serving the same --book shares one state (order windows, kill switch, positions):',
    'a check that cannot reach Redis within the bound is DENY SYS-002; an update answers 503 ERR_STATE_STORE.',
  ].join('\n'),
  OPTIONS,
  'Signals: SIGHUP reloads the policy; SIGTERM/SIGINT finish the requests in progress, close the audit log, save --state, exit 0.',
);

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Runs `policygate-serve` until SIGTERM/SIGINT; resolves to the exit code (0 after a clean
 * shutdown, 2 on a startup error).
 *
 * @example
 * ```ts
 * process.exitCode = await runServe(process.argv.slice(2), process)
 * ```
 */
export function runServe(argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  return runCommand(argv, io, { name: COMMAND, specs: OPTIONS, help: HELP }, async (opts) => {
    if (opts.policy === undefined || opts.portfolio === undefined) {
      throw new UsageError(`missing ${[opts.policy === undefined && '--policy', opts.portfolio === undefined && '--portfolio'].filter(Boolean).join(', ')}`);
    }
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port === undefined ? 8100 : Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${opts.port}`);
    const mode = opts['audit-mode'] ?? 'durable';
    if (mode !== 'durable' && mode !== 'batched') throw new UsageError(`--audit-mode must be durable or batched, got ${mode}`);
    if (opts['audit-mode'] !== undefined && opts['audit-log'] === undefined) throw new UsageError('--audit-mode needs --audit-log');
    const token = env.POLICYGATE_TOKEN;
    if (opts['no-auth']) {
      if (!isLoopback(host)) throw new UsageError(`--no-auth is only allowed on a loopback host (127.0.0.1, ::1, localhost), not ${host}`);
      if (token) throw new UsageError('POLICYGATE_TOKEN is set and --no-auth is given: choose one');
    } else if (!token) {
      throw new UsageError('set the bearer token in POLICYGATE_TOKEN (or give --no-auth on a loopback host)');
    }

    const shared = sharedOptions(opts);
    const log = new JsonLineLogger(opts.quiet ? null : io.stdout);
    const engine = await loadPolicyFile(opts.policy);
    const gate = shared === null ? await loadGate(engine, opts) : await openSharedGate(engine, opts, shared);
    const sink = opts['audit-log'] === undefined ? undefined : await FileAuditSink.open(opts['audit-log'], { mode });
    const policyPath = opts.policy;
    const service = await GateService.create({
      gate,
      ...(sink && { audit: sink, auditMode: mode }),
      token: opts['no-auth'] ? null : token!,
      // A shared book is bound to its policy: no reload (SIGHUP and the route say so).
      ...(shared === null && { loadPolicy: () => readFile(policyPath, 'utf8') }),
      openapi: readOpenApi(),
      log: opts.quiet ? undefined : (entry) => log.request(entry),
    });
    // Node's own handling of unread bodies applies (a 413 answered with Connection: close ends the
    // connection instead of reading the rest of the body).
    const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 30_000, headersTimeout: 10_000 }, nodeRequestListener(service));
    await listen(server, host, port);
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    log.write({
      msg: 'listening',
      url,
      policy_hash: engine.policyHash,
      audit_log: opts['audit-log'] ?? null,
      audit_mode: sink ? mode : null,
      auth: !opts['no-auth'],
      ...(shared !== null && { book: shared.book, version: (gate as { version?: number }).version ?? null }),
    });
    if (opts.quiet) io.stdout.write(JSON.stringify({ msg: 'listening', url }) + '\n');

    const onHup = () => {
      service.reloadPolicy().then(
        (r) => log.write({ msg: 'policy reloaded', ...r }),
        (e: unknown) => log.write({ msg: 'policy reload refused', error: e instanceof HttpError ? e.code : 'ERR_RELOAD', message: (e as Error)?.message, issues: (e as HttpError)?.issues }),
      );
    };
    process.on('SIGHUP', onHup);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    process.off('SIGHUP', onHup);
    // A second signal while shutting down: exit at once.
    const force = () => process.exit(128 + 15);
    process.once('SIGTERM', force);
    process.once('SIGINT', force);

    log.write({ msg: 'shutting down', signal });
    // Stop accepting, but do not close idle keep-alive connections yet (http.Server#close would):
    // a request already on its way on one would be reset unanswered. Until the drain is done,
    // requests on open connections are answered (503 once draining) with Connection: close.
    const drained = service.drain();
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    await drained;
    let code: number = EXIT.ok;
    try {
      await sink?.close(); // writes what is buffered and syncs
    } catch (e) {
      code = EXIT.error;
      log.write({ msg: 'audit log close failed', message: (e as Error)?.message });
    }
    const finalGate = service.gate;
    if (opts.state !== undefined && finalGate instanceof PolicyGate) {
      saveState(opts.state, finalGate.snapshot());
      log.write({ msg: 'state saved', path: opts.state, clock: finalGate.clock });
    }
    if (shared !== null) await (gate as { close(): Promise<void> }).close();
    server.closeAllConnections();
    await closed;
    log.write({ msg: 'stopped', events: sink?.stats.events ?? 0 });
    await log.flush();
    process.off('SIGTERM', force);
    process.off('SIGINT', force);
    return code;
  });
}

async function loadGate(engine: PolicyEngine, opts: { portfolio?: string; market?: string; execution?: string; state?: string }): Promise<PolicyGate> {
  const [portfolio, market, execution] = await Promise.all([
    readJsonFile(opts.portfolio!, parsePortfolioState),
    opts.market === undefined ? undefined : readJsonFile(opts.market, parseMarketSnapshot),
    opts.execution === undefined ? undefined : readJsonFile(opts.execution, parseExecutionState),
  ]);
  const saved = opts.state === undefined ? null : await readStateText(opts.state);
  // The saved state is the later truth (fills, marks, windows); a changed policy carries it over, as a reload does.
  if (saved !== null) return PolicyGate.restore(engine, saved, { allowPolicyChange: true });
  return gateFromState(engine, { portfolio, ...(market && { market }), ...(execution && { execution }) });
}

function readOpenApi(): unknown {
  // The bin is bundled into dist/bin/; the document is dist/schemas/openapi.json (written by the build).
  for (const path of ['../schemas/openapi.json', '../../schemas/openapi.json']) {
    try {
      return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
    } catch {
      // try the next place
    }
  }
  return undefined; // an unbuilt tree: GET /openapi.json answers 404
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
