// What the bins print: JSON with sorted keys, errors for people, and writes that respect
// back-pressure and a closed pipe (`policygate-eval … | head -1` must not crash).
import type { Readable, Writable } from 'node:stream';
import { PolicyGateError } from '../../errors.js';
import { CanonicalWriter } from '../../util/canonical-json.js';
import { parseOptions, UsageError, type OptionSpecs, type ParsedOptions } from './args.js';
import { ENGINE_VERSION } from '../../version.js';

/** The process streams a command uses (the bins pass `process`'s). */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
}

/**
 * Process exit codes shared by both bins (the seed's: 0 ALLOW/MODIFY or all matched, 1 DENY or
 * mismatch, 2 error).
 *
 * @example
 * ```ts
 * return decision.decision === 'DENY' ? EXIT.deny : EXIT.ok
 * ```
 */
export const EXIT = { ok: 0, deny: 1, error: 2 } as const;

// A stream prints one decision after another: one writer reuses the text of what did not change.
const writer = new CanonicalWriter();

/**
 * JSON with keys sorted by code point at every level (as Python's `sort_keys=True`) and non-ASCII
 * escaped: the core's canonical JSON (one line, no spaces), or with `pretty` the same text indented
 * by two spaces (as Python's `indent=2`). Keys stay in sorted order even when they look like array
 * indexes, which a JavaScript object would reorder.
 *
 * @throws {RangeError} for a non-finite number (JSON cannot hold it).
 * @example
 * ```ts
 * formatJson({ b: 1, a: [true] })       // '{"a":[true],"b":1}'
 * formatJson({ b: 1, a: [true] }, true) // '{\n  "a": [\n    true\n  ],\n  "b": 1\n}'
 * ```
 */
export function formatJson(value: unknown, pretty = false): string {
  const line = writer.write(value);
  return pretty ? indent(line) : line;
}

// Re-indents canonical JSON (no whitespace outside strings) without re-ordering anything.
function indent(json: string): string {
  let out = '';
  let depth = 0;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '"') {
      // Copy the string as is, escapes included.
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      out += json.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (json[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') out += ',' + newline();
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}

/**
 * A buffered writer for a stream of lines: collects small writes, flushes in large chunks, waits for
 * `drain`, and turns a closed pipe (EPIPE) into `closed = true` instead of a crash.
 *
 * @example
 * ```ts
 * const out = new LineWriter(process.stdout)
 * await out.line('{"decision":"ALLOW"}')
 * await out.flush()
 * ```
 */
export class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  /** True once the stream cannot take more (the reader went away, or a write failed); further writes are dropped. */
  closed = false;
  /** A write error other than a closed pipe, for the caller to report. */
  failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly highWater = 64 * 1024,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.closed = true;
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') this.failure = e;
    });
  }

  private flushScheduled = false;

  /**
   * Queues one line (a newline is added); flushes when the buffer is large, and otherwise as soon
   * as the event loop turns (when the caller waits for more input), so that a consumer reading a
   * live stream gets each decision without waiting for a full buffer.
   */
  async line(text: string): Promise<void> {
    if (this.closed) return;
    this.buffer.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.highWater) await this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  /** Writes what is queued and waits until the stream accepts more. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0 || this.closed) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      // Wait for room, or for the end of the stream (an error is recorded by the listener above).
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done).off('close', done).off('error', done);
          resolve();
        };
        this.stream.on('drain', done).on('close', done).on('error', done);
      });
    }
  }

  /** Flushes and waits until everything written has been handed to the OS. */
  async end(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      // An empty write's callback runs after every earlier write has been flushed (or has failed).
      this.stream.write('', () => resolve());
    });
  }
}

/**
 * The message for an error, for people: the error's own message for problems with the input or the
 * command line; for anything else (a bug) "internal error". With `debug`, the stack and causes.
 *
 * @example
 * ```ts
 * process.stderr.write(describeError(e, 'policygate-eval', false))
 * ```
 */
export function describeError(error: unknown, command: string, debug: boolean): string {
  const lines: string[] = [];
  if (error instanceof UsageError) {
    lines.push(`${command}: ${error.message}`, `Run '${command} --help' for usage.`);
  } else if (error instanceof PolicyGateError) {
    lines.push(`${command}: ${error.message}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`${command}: internal error: ${message}`);
    if (!debug) lines.push(`Run again with --debug for details.`);
  }
  if (debug) {
    for (let e: unknown = error; e !== undefined; e = (e as { cause?: unknown })?.cause) {
      if (e instanceof Error && e.stack) lines.push(e === error ? e.stack : `Caused by: ${e.stack}`);
      if (!(e instanceof Error)) break;
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * The frame both bins share: parses `argv` against `specs`, answers `--help` and `--version`, runs
 * `body`, and turns anything it throws into a message on stderr and exit code 2 (a stack trace
 * only with `--debug`).
 *
 * @example
 * ```ts
 * export const runEval = (argv, io) => runCommand(argv, io, { name, specs, help }, async (opts, debug) => EXIT.ok)
 * ```
 */
export async function runCommand<S extends OptionSpecs>(
  argv: readonly string[],
  io: CliIo,
  command: { name: string; specs: S; help: string },
  body: (opts: ParsedOptions<S>, debug: boolean) => Promise<number>,
): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const opts = parseOptions(argv, command.specs);
    const flags = opts as { help?: boolean; version?: boolean };
    if (flags.help) {
      io.stdout.write(command.help);
      return EXIT.ok;
    }
    if (flags.version) {
      io.stdout.write(`${command.name} ${ENGINE_VERSION}\n`);
      return EXIT.ok;
    }
    return await body(opts, debug);
  } catch (e) {
    io.stderr.write(describeError(e, command.name, debug));
    return EXIT.error;
  }
}
