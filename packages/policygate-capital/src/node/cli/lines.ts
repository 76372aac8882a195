// Line-by-line input for JSONL streams (a file or stdin), decoded as strict UTF-8: a byte sequence
// that is not UTF-8 is an error with its line number, never silently replaced by U+FFFD.
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FileError, fileSystemError } from '../files.js';

/** A readable input and the name to use for it in messages (`<stdin>` for `-`). */
export interface Input {
  name: string;
  stream: AsyncIterable<Uint8Array | string>;
  /** Stops reading (a pending read ends the iteration), e.g. on Ctrl-C. */
  close?: () => void;
}

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
    const handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    const stream = handle.createReadStream({ highWaterMark: 256 * 1024 });
    return { name: path, stream, close: () => stream.destroy() };
  } catch (e) {
    throw fileSystemError(path, e);
  }
}

/**
 * The lines of an input, numbered from 1, without their `\n` or `\r\n` (a leading byte-order mark is
 * dropped). The last line is yielded even without a final newline.
 *
 * @throws {FileError} `ERR_FILE_READ` for bytes that are not UTF-8 or a read failure.
 * @example
 * ```ts
 * for await (const { line, text } of readLines(input)) if (text.trim()) handle(line, text)
 * ```
 */
export async function* readLines(input: Input): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let line = 0;
  const decode = (chunk: Uint8Array | undefined) => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch (e) {
      // The bad bytes are in the line being assembled, after `line` complete lines.
      throw new FileError('ERR_FILE_READ', input.name, `cannot read ${input.name}: line ${line + 1} is not valid UTF-8 text`, [], { cause: e });
    }
  };
  try {
    for await (const chunk of input.stream) {
      pending += typeof chunk === 'string' ? chunk : decode(chunk);
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
        line++;
        yield { line, text: clean(pending.slice(start, nl), line) };
        start = nl + 1;
      }
      pending = pending.slice(start);
    }
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw fileSystemError(input.name, e);
  }
  pending += decode(undefined);
  if (pending !== '') yield { line: line + 1, text: clean(pending, line + 1) };
}

function clean(text: string, line: number): string {
  let out = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (line === 1 && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
  return out;
}
