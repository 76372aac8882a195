import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyError, ValidationError } from '../errors.js';
import { parseOrderIntent } from '../model/parse.js';
import { sha256Hex } from '../util/sha256.js';
import { FileError, loadPolicyFile, readJsonFile } from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'pgc-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const EXAMPLES = new URL('../../../../examples/', import.meta.url);
const intentText = readFileSync(new URL('intent.json', EXAMPLES), 'utf8');
const policyText = readFileSync(new URL('policy.yaml', EXAMPLES), 'utf8');

const rejection = async (p: Promise<unknown>): Promise<FileError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FileError);
    return e as FileError;
  }
  throw new Error('expected a FileError');
};

describe('readJsonFile', () => {
  it('reads and validates a JSON file (a byte-order mark is ignored)', async () => {
    const intent = await readJsonFile(file('intent.json', '\ufeff' + intentText), parseOrderIntent);
    expect(intent).toEqual(parseOrderIntent(JSON.parse(intentText)));
  });

  it('names a missing file', async () => {
    const missing = join(dir, 'missing.json');
    const e = await rejection(readJsonFile(missing));
    expect(e).toMatchObject({ code: 'ERR_FILE_NOT_FOUND', file: missing, message: `file not found: ${missing}` });
  });

  it('gives the line and column of a JSON syntax error', async () => {
    const path = file('bad.json', '{\n  "a": 1,\n  "b" 2\n}');
    const e = await rejection(readJsonFile(path));
    expect(e.code).toBe('ERR_JSON');
    expect(e.issues).toEqual([{ path: '', message: `expected ':' after the key "b", got '2'`, line: 3, column: 7 }]);
    expect(e.message).toBe(`invalid JSON in ${path} at line 3, column 7: expected ':' after the key "b", got '2'`);
  });

  it('gives the field path, line and column of schema problems, in file order, with the ValidationError as cause', async () => {
    const path = file('schema.json', intentText.replace('"qty": 100', '"qty": "100"').replace('"AAPL"', '""'));
    const e = await rejection(readJsonFile(path, parseOrderIntent));
    expect(e.code).toBe('ERR_VALIDATION');
    expect(e.cause).toBeInstanceOf(ValidationError);
    expect(e.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['instrument.symbol', 6, 29],
      ['qty', 9, 10],
    ]);
    expect(e.message.split('\n')[0]).toBe(`invalid intent in ${path}:`);
  });
});

describe('loadPolicyFile', () => {
  it('hashes the exact bytes of the file, as the Python package does', async () => {
    const path = file('policy.yaml', policyText);
    const engine = await loadPolicyFile(path);
    expect(engine.policyHash).toBe(await sha256Hex(policyText));
    // A byte-order mark is part of the file, so it is part of the hash.
    const bom = await loadPolicyFile(file('bom.yaml', '\ufeff' + policyText));
    expect(bom.policyHash).not.toBe(engine.policyHash);
    expect(bom.policy).toEqual(engine.policy);
  });

  it('reports policy problems with the file, the YAML line and column, and the PolicyError as cause', async () => {
    const path = file('bad.yaml', policyText.replace('daily_loss_limit_pct: 0.02', 'daily_loss_limit_pct: -0.02'));
    const e = await rejection(loadPolicyFile(path));
    expect(e.code).toBe('ERR_POLICY');
    expect(e.cause).toBeInstanceOf(PolicyError);
    expect(e.issues).toEqual([expect.objectContaining({ path: 'limits.loss.daily_loss_limit_pct', line: 15, column: 27 })]);
    expect(e.message).toMatch(new RegExp(`^invalid policy in ${path}:\n  limits\\.loss\\.daily_loss_limit_pct \\(line 15, column 27\\): `));
  });

  it('refuses a file that is not UTF-8', async () => {
    const path = file('latin1.yaml', Uint8Array.of(0x23, 0x20, 0xe9, 0x0a));
    expect(await rejection(loadPolicyFile(path))).toMatchObject({ code: 'ERR_FILE_READ', message: `cannot read ${path}: not valid UTF-8 text` });
  });
});
