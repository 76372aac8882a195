// What the bins print: JSON with sorted keys, errors for people, and writes that respect
// back-pressure and a closed pipe (`policygate-eval … | head -1` must not crash).
import type { Writable } from 'node:stream';
import { PolicyGateError } from '../../errors.js';
import { UsageError } from './args.js';

/** Process exit codes shared by both bins (the seed's: 0 ALLOW/MODIFY or all matched, 1 DENY or mismatch, 2 error). */
export const EXIT = { ok: 0, deny: 1, error: 2 } as const;

const NON_ASCII = /[\u007f-\uffff]/g;

function compareCodePoints(a: string, b: string): number {
  // Python's sort_keys orders by code point; UTF-16 order differs only above the BMP.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * JSON with keys sorted by code point at every level (as Python's `sort_keys=True`) and non-ASCII
 * escaped; one line, or indented by two spaces with `pretty`. Keys are emitted in sorted order even
 * when they look like array indexes (which a JavaScript object would reorder).
 *
 * @example
 * ```ts
 * formatJson({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 * ```
 */
export function formatJson(value: unknown, pretty = false): string {
  return write(value, pretty ? '\n' : '', pretty).replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function write(value: unknown, indent: string, pretty: boolean): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`cannot write non-finite number ${value} as JSON`);
    return JSON.stringify(value) ?? 'null';
  }
  const inner = pretty ? indent + '  ' : '';
  const sep = pretty ? ',' + inner : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${inner}${value.map((v) => write(v, inner, pretty)).join(sep)}${indent}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort(compareCodePoints);
  if (keys.length === 0) return '{}';
  const colon = pretty ? ': ' : ':';
  return `{${inner}${keys.map((k) => JSON.stringify(k) + colon + write((value as Record<string, unknown>)[k], inner, pretty)).join(sep)}${indent}}`;
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

  /** Queues one line (a newline is added); flushes when the buffer is large. */
  async line(text: string): Promise<void> {
    if (this.closed) return;
    this.buffer.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.highWater) await this.flush();
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
