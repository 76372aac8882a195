// Line-by-line input for JSONL streams (a file or stdin). Lines are split on the bytes (a UTF-8
// sequence never contains 0x0a) and then decoded as strict UTF-8, so a line that is not UTF-8, or
// longer than the per-line limit, is reported with its own number and skipped: the lines around it
// are read as if it were not there.
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { FileError, fileSystemError, formatBytes } from '../files.js';
import { MAX_LINE_BYTES } from './limits.js';

/** A readable input and the name to use for it in messages (`<stdin>` for `-`). */
export interface Input {
  name: string;
  stream: AsyncIterable<Uint8Array | string>;
  /** Stops reading (a pending read ends the iteration), e.g. on Ctrl-C. */
  close?: () => void;
}

/** One line of an input: its text, or why it cannot be read (its number is right either way). */
export type InputLine = { line: number; text: string; error?: undefined } | { line: number; text?: undefined; error: FileError };

/**
 * Opens `path` for streaming; `-` is standard input. A missing or unreadable file fails here,
 * before anything is evaluated.
 *
 * @throws {FileError} `ERR_FILE_NOT_FOUND` or `ERR_FILE_READ`.
 * @example
 * ```ts
 * const input = await openInput('intents.jsonl', process.stdin)
 * for await (const { line, text } of readLines(input)) console.log(line, text)
 * ```
 */
export async function openInput(path: string, stdin: Readable): Promise<Input> {
  if (path === '-') return { name: '<stdin>', stream: stdin, close: () => stdin.destroy() };
  try {
    const fd = await new Promise<number>((resolve, reject) => fs.open(path, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
    const info = fs.fstatSync(fd);
    if (info.isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    const stream = fs.createReadStream(path, { fd, highWaterMark: 256 * 1024 });
    return { name: path, stream, close: () => stream.destroy() };
  } catch (e) {
    throw fileSystemError(path, e);
  }
}

/**
 * The lines of an input, numbered from 1, without their `\n` or `\r\n` (a leading byte-order mark is
 * dropped). The last line is yielded even without a final newline. A line that is not valid UTF-8
 * (`ERR_FILE_READ`) or longer than `maxLineBytes` (`ERR_TOO_LARGE`) is yielded as an `error` with
 * its number, and reading goes on with the next line.
 *
 * @throws {FileError} `ERR_FILE_READ` when reading fails.
 * @example
 * ```ts
 * for await (const { line, text, error } of readLines(input)) if (error) report(error); else if (text.trim()) handle(line, text)
 * ```
 */
export async function* readLines(input: Input, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<InputLine> {
  const reader = new LineSplitter(input.name, maxLineBytes);
  try {
    for await (const chunk of input.stream) yield* reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw fileSystemError(input.name, e);
  }
  yield* reader.end();
}

// Splits chunks of bytes into numbered lines. The bytes of a line that spans chunks are kept until
// its newline, up to the limit: past it they are dropped, and the line is reported as too long.
class LineSplitter {
  readonly #name: string;
  readonly #max: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  #line = 0;
  #parts: Uint8Array[] = []; // the line being assembled
  #partBytes = 0;
  #tooLong = false; // the line being assembled passed the limit: its bytes are dropped

  constructor(name: string, max: number) {
    this.#name = name;
    this.#max = max;
  }

  *push(chunk: Uint8Array): Generator<InputLine> {
    let start = 0;
    const first = chunk.indexOf(0x0a);
    if (first === -1) {
      this.#keep(chunk);
      return;
    }
    if (this.#partBytes > 0 || this.#tooLong) {
      this.#keep(chunk.subarray(0, first));
      yield this.#finish();
      start = first + 1;
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last >= start) {
      yield* this.#whole(chunk.subarray(start, last + 1));
      start = last + 1;
    }
    this.#keep(chunk.subarray(start));
  }

  *end(): Generator<InputLine> {
    if (this.#partBytes > 0 || this.#tooLong) yield this.#finish();
  }

  // Whole lines (the region ends with a newline). Fast path: one decode for the region, when it is
  // valid UTF-8 and too short to hold a line over the limit; otherwise line by line.
  *#whole(region: Uint8Array): Generator<InputLine> {
    if (region.length <= this.#max) {
      let text: string | undefined;
      try {
        text = this.#decoder.decode(region);
      } catch {
        // a bad line in the region: find it below
      }
      if (text !== undefined) {
        let from = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
          yield this.#text(text.slice(from, nl));
          from = nl + 1;
        }
        return;
      }
    }
    let from = 0;
    for (let nl = region.indexOf(0x0a); nl !== -1; nl = region.indexOf(0x0a, from)) {
      yield this.#decode(region.subarray(from, nl));
      from = nl + 1;
    }
  }

  #keep(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.#tooLong) return;
    if (this.#partBytes + bytes.length > this.#max) {
      this.#tooLong = true;
      this.#parts = [];
      this.#partBytes = 0;
      return;
    }
    this.#parts.push(Uint8Array.from(bytes)); // a copy: the stream may reuse its chunk
    this.#partBytes += bytes.length;
  }

  #finish(): InputLine {
    const tooLong = this.#tooLong;
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    this.#parts = [];
    this.#partBytes = 0;
    this.#tooLong = false;
    if (tooLong) return this.#error('ERR_TOO_LARGE', `line ${++this.#line} of ${this.#name} is longer than ${formatBytes(this.#max)} (the limit for one line of a stream); skipped`);
    return this.#decode(bytes);
  }

  #decode(bytes: Uint8Array): InputLine {
    if (bytes.length > this.#max) return this.#error('ERR_TOO_LARGE', `line ${++this.#line} of ${this.#name} is longer than ${formatBytes(this.#max)} (the limit for one line of a stream); skipped`);
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch (e) {
      return this.#error('ERR_FILE_READ', `cannot read ${this.#name}: line ${++this.#line} is not valid UTF-8 text; skipped`, e);
    }
    return this.#text(text);
  }

  #text(raw: string): InputLine {
    const line = ++this.#line;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { line, text };
  }

  #error(code: 'ERR_FILE_READ' | 'ERR_TOO_LARGE', message: string, cause?: unknown): InputLine {
    return { line: this.#line, error: new FileError(code, this.#name, message, [], cause === undefined ? {} : { cause }) };
  }
}
