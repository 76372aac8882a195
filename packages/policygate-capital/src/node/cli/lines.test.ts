import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../files.js';
import { openInput, readLines } from './lines.js';

const collect = async (chunks: (string | Uint8Array)[]) => {
  const out: [number, string][] = [];
  for await (const { line, text } of readLines({ name: 'in.jsonl', stream: Readable.from(chunks, { objectMode: true }) })) out.push([line, text]);
  return out;
};

describe('readLines', () => {
  it('numbers lines from 1, drops \\r\\n and a leading BOM, and yields a last line without newline', async () => {
    expect(await collect(['\ufeffa\r\nb\n', '\nc'])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, 'c'],
    ]);
  });

  it('joins a UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"s":"é€😀"}\n');
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await collect(chunks)).toEqual([[1, '{"s":"é€😀"}']]);
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const bad = collect([new TextEncoder().encode('ok\nok\n'), Uint8Array.of(0x7b, 0xff, 0x7d, 0x0a)]);
    await expect(bad).rejects.toThrow(FileError);
    await expect(bad).rejects.toThrow('cannot read in.jsonl: line 3 is not valid UTF-8 text');
  });
});

describe('openInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgc-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a file, names it in messages, and fails early for a missing file or a directory', async () => {
    const path = join(dir, 'a.jsonl');
    writeFileSync(path, '1\n2\n');
    const input = await openInput(path, Readable.from([]));
    expect(input.name).toBe(path);
    const lines: string[] = [];
    for await (const { text } of readLines(input)) lines.push(text);
    expect(lines).toEqual(['1', '2']);
    await expect(openInput(join(dir, 'nope.jsonl'), Readable.from([]))).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND', message: `file not found: ${join(dir, 'nope.jsonl')}` });
    await expect(openInput(dir, Readable.from([]))).rejects.toMatchObject({ code: 'ERR_FILE_READ', message: `cannot read ${dir}: it is a directory` });
  });

  it("reads standard input for '-'", async () => {
    expect((await openInput('-', Readable.from([]))).name).toBe('<stdin>');
  });
});
