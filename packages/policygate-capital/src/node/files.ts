// Reading policies and JSON documents from files, with errors that name the file and point at the
// line and column of the problem. Node-only: the isomorphic core never touches the file system.
import * as fs from 'node:fs';
import { PolicyEngine } from '../engine/policy-engine.js';
import { PolicyError, PolicyGateError, ValidationError, type Issue } from '../errors.js';
import { locateJsonIssues, parseJsonText } from '../util/json-text.js';

/**
 * What went wrong with a file; stable, safe to switch on. `ERR_TOO_LARGE`: the file (or a line of a
 * stream) is over its size limit ({@link MAX_FILE_BYTES}).
 */
export type FileErrorCode = 'ERR_FILE_NOT_FOUND' | 'ERR_FILE_READ' | 'ERR_TOO_LARGE' | 'ERR_JSON' | 'ERR_VALIDATION' | 'ERR_POLICY';

/**
 * The largest policy or JSON document read (32 MiB): checked before the file is read whole (its size
 * first, then the bytes as they come, for files whose size is not known in advance), so an oversized
 * input is a clear `ERR_TOO_LARGE` error, not an out-of-memory failure. A policy or a state file is
 * kilobytes; a portfolio of 100,000 positions is about 3 MB.
 */
export const MAX_FILE_BYTES = 32 << 20;

/**
 * A file that could not be used: missing, unreadable, not UTF-8, not JSON, or not valid for its
 * schema. `file` is the path as given; `issues` carry the field path and, where known, the line and
 * column; `cause` is the underlying error (a `ValidationError` or `PolicyError` for schema problems).
 *
 * @example
 * ```ts
 * try { await loadPolicyFile('policy.yaml') } catch (e) {
 *   if (e instanceof FileError) console.error(e.message) // "invalid policy in policy.yaml: ..."
 * }
 * ```
 */
export class FileError extends PolicyGateError {
  /** The path as the caller gave it. */
  readonly file: string;
  /** Every problem found, with line and column when known (empty for missing or unreadable files). */
  readonly issues: readonly Issue[];
  declare readonly code: FileErrorCode;

  constructor(code: FileErrorCode, file: string, message: string, issues: readonly Issue[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'FileError';
    this.file = file;
    this.issues = issues;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a UTF-8 text file exactly (a byte-order mark is kept, so the text's UTF-8 bytes are the
 * file's bytes). Invalid UTF-8 is an error, never silently replaced. A file over `maxBytes` is refused
 * before it is read whole.
 *
 * @throws {FileError} `ERR_FILE_NOT_FOUND`, `ERR_FILE_READ` or `ERR_TOO_LARGE`, naming the file.
 * @example
 * ```ts
 * const text = await readTextFile('policy.yaml')
 * ```
 */
export async function readTextFile(file: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  const bytes = await readFileBytes(file, maxBytes);
  try {
    return UTF8.decode(bytes);
  } catch (e) {
    throw new FileError('ERR_FILE_READ', file, `cannot read ${file}: not valid UTF-8 text`, [], { cause: e });
  }
}

/**
 * The bytes of a file, at most `maxBytes` of them: a regular file's size is checked before reading,
 * and any file (a pipe, a device) is read in chunks that stop once past the limit.
 *
 * @throws {FileError} `ERR_FILE_NOT_FOUND`, `ERR_FILE_READ` or `ERR_TOO_LARGE`, naming the file.
 * @example
 * ```ts
 * const bytes = await readFileBytes('audit.jsonl', 256 << 20)
 * ```
 */
export async function readFileBytes(file: string, maxBytes: number): Promise<Uint8Array> {
  let fd: number | undefined;
  try {
    fd = await call<number>((cb) => fs.open(file, 'r', cb));
    const info = await call<fs.Stats>((cb) => fs.fstat(fd!, cb));
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.size > maxBytes) throw tooLarge(file, maxBytes, info.size);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // One read for a regular file whose size is known; chunks for pipes and devices.
      const chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1 - total, Math.max(info.size + 1 - total, 64 << 10)));
      const bytesRead = await call<number>((cb) => fs.read(fd!, chunk, 0, chunk.length, null, cb));
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(file, maxBytes);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw fileSystemError(file, e);
  } finally {
    if (fd !== undefined) fs.close(fd, () => {});
  }
}

// node:fs's callback API as a promise. Not node:fs/promises: loading it (and the readline and
// watcher modules it pulls in) costs a one-shot CLI run several milliseconds of its start-up.
const call = <T>(run: (cb: (e: NodeJS.ErrnoException | null, value: T) => void) => void) => new Promise<T>((resolve, reject) => run((e, value) => (e ? reject(e) : resolve(value))));

/**
 * The error for an input over its size limit.
 *
 * @example
 * ```ts
 * throw tooLarge('intent.json', 32 << 20, 300e6) // "intent.json is 300,000,000 bytes, over the limit of 32 MiB …"
 * ```
 */
export function tooLarge(file: string, maxBytes: number, size?: number): FileError {
  const what = size === undefined ? `is over the limit of ${formatBytes(maxBytes)}` : `is ${size.toLocaleString('en-US')} bytes, over the limit of ${formatBytes(maxBytes)}`;
  return new FileError('ERR_TOO_LARGE', file, `cannot read ${file}: it ${what} for this input`);
}

/**
 * A byte count for messages: whole MiB or KiB when exact, else bytes.
 *
 * @example
 * ```ts
 * formatBytes(1 << 20) // "1 MiB"
 * ```
 */
export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}

/**
 * Maps a Node file-system error to a FileError that names the file.
 *
 * @example
 * ```ts
 * try { await readFile(path) } catch (e) { throw fileSystemError(path, e) } // "file not found: intent.json"
 * ```
 */
export function fileSystemError(file: string, e: unknown): FileError {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileError('ERR_FILE_NOT_FOUND', file, `file not found: ${file}`, [], { cause: e });
  const reason = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : ((e as Error)?.message ?? String(e));
  return new FileError('ERR_FILE_READ', file, `cannot read ${file}: ${reason}`, [], { cause: e });
}

/**
 * Parses JSON text from `file` (a byte-order mark is ignored). Syntax errors, duplicate keys and
 * excessive nesting are reported with the line and column, as `parseJsonText` finds them (the same
 * on every Node version and runtime).
 *
 * @throws {FileError} `ERR_JSON`.
 * @example
 * ```ts
 * const value = parseJsonFileText('{"qty": 1}', 'intent.json')
 * ```
 */
export function parseJsonFileText(text: string, file: string): unknown {
  try {
    return parseJsonText(stripBom(text));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const { line, column, message } = e.issues[0]!;
    throw new FileError('ERR_JSON', file, `invalid JSON in ${file} at line ${line}, column ${column}: ${message}`, e.issues, { cause: e });
  }
}

/**
 * Validates an already-parsed JSON value with `parse` (for example `parseOrderIntent`); a
 * `ValidationError` becomes a FileError whose issues carry the line and column of each field in
 * `text`.
 *
 * @throws {FileError} `ERR_VALIDATION`.
 * @example
 * ```ts
 * const intent = validateJsonFileValue(JSON.parse(text), text, 'intent.json', parseOrderIntent)
 * ```
 */
export function validateJsonFileValue<T>(value: unknown, text: string, file: string, parse: (value: unknown) => T): T {
  try {
    return parse(value);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const issues = locateJsonIssues(stripBom(text), e.issues);
    // In the order a person reads the file.
    issues.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new FileError('ERR_VALIDATION', file, `invalid ${e.subject} in ${file}:\n${describeIssues(issues)}`, issues, { cause: e });
  }
}

/**
 * Reads a JSON file and, when `parse` is given, validates it (for example with `parseOrderIntent`).
 * Every error names the file; JSON syntax and schema errors also give the line and column.
 *
 * @throws {FileError} `ERR_FILE_NOT_FOUND`, `ERR_FILE_READ`, `ERR_JSON` or `ERR_VALIDATION`.
 * @example
 * ```ts
 * import { parseOrderIntent } from 'policygate-capital'
 * import { readJsonFile } from 'policygate-capital/node'
 * const intent = await readJsonFile('intent.json', parseOrderIntent)
 * ```
 */
export async function readJsonFile(file: string): Promise<unknown>;
export async function readJsonFile<T>(file: string, parse: (value: unknown) => T): Promise<T>;
export async function readJsonFile<T>(file: string, parse?: (value: unknown) => T): Promise<T | unknown> {
  const text = await readTextFile(file);
  const value = parseJsonFileText(text, file);
  return parse ? validateJsonFileValue(value, text, file, parse) : value;
}

/**
 * Loads a YAML policy file into a {@link PolicyEngine}. The policy hash is SHA-256 of the file's
 * exact bytes, the same as the Python package computes for the same file.
 *
 * @throws {FileError} `ERR_FILE_NOT_FOUND`, `ERR_FILE_READ`, or `ERR_POLICY` (issues with the YAML
 *   line and column; `cause` is the {@link PolicyError}).
 * @example
 * ```ts
 * const engine = await loadPolicyFile('policy.yaml')
 * const decision = engine.evaluate(intent, portfolio, market)
 * ```
 */
export async function loadPolicyFile(file: string): Promise<PolicyEngine> {
  const text = await readTextFile(file);
  try {
    return await PolicyEngine.fromYaml(text);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    throw new FileError('ERR_POLICY', file, `invalid policy in ${file}:\n${describeIssues(e.issues)}`, e.issues, { cause: e });
  }
}

/**
 * One indented line per issue, for messages.
 *
 * @example
 * ```ts
 * describeIssues([{ path: 'qty', message: 'must be > 0, got -5', line: 9, column: 10 }])
 * // "  qty (line 9, column 10): must be > 0, got -5"
 * ```
 */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const where = i.line !== undefined ? `line ${i.line}, column ${i.column ?? 1}` : '';
      const head = [i.path, where && (i.path ? `(${where})` : where)].filter(Boolean).join(' ');
      return `  ${head ? `${head}: ` : ''}${i.message}`;
    })
    .join('\n');
}

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
