import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openInput, readLines } from './lines.js';

const collect = async (chunks: (string | Uint8Array)[], maxLineBytes?: number) => {
  const out: [number, string][] = [];
  for await (const { line, text, error } of readLines({ name: 'in.jsonl', stream: Readable.from(chunks, { objectMode: true }) }, maxLineBytes)) {
    out.push([line, error === undefined ? text : `${error.code}: ${error.message}`]);
  }
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

  it('reports a line that is not UTF-8 with its own number and reads every other line', async () => {
    const bad = Uint8Array.of(0x7b, 0xff, 0x7d);
    const expected = (n: number) => [n, `ERR_FILE_READ: cannot read in.jsonl: line ${n} is not valid UTF-8 text; skipped`];
    // Within one chunk, between good lines.
    expect(await collect([Buffer.concat([Buffer.from('ok1\nok2\n'), bad, Buffer.from('\nok4\nok5')])])).toEqual([[1, 'ok1'], [2, 'ok2'], expected(3), [4, 'ok4'], [5, 'ok5']]);
    // Across chunks, at the start, and at the end without a newline.
    expect(await collect([bad, Buffer.from('\nok2\nok'), Buffer.from('3\n'), bad])).toEqual([expected(1), [2, 'ok2'], [3, 'ok3'], expected(4)]);
    // 50,001 lines in 256 KiB chunks (the file): the one bad line is line 50,001 (or 3), nothing else is lost.
    for (const at of [3, 50_001]) {
      const lines = Array.from({ length: 50_001 }, (_, k) => (k + 1 === at ? bad : Buffer.from(`{"n":${k + 1}}`)));
      const file = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
      const chunks = Array.from({ length: Math.ceil(file.length / (256 << 10)) }, (_, k) => file.subarray(k * (256 << 10), (k + 1) * (256 << 10)));
      const read = await collect(chunks);
      expect(read).toHaveLength(50_001);
      expect(read.filter(([, t]) => t.startsWith('ERR_'))).toEqual([expected(at)]);
      expect(read.every(([n, t]) => n === at || t === `{"n":${n}}`)).toBe(true);
    }
  });

  it('reports a line longer than the limit with its number, without holding it, and reads on', async () => {
    const tooLong = (n: number) => [n, `ERR_TOO_LARGE: line ${n} of in.jsonl is longer than 8 bytes (the limit for one line of a stream); skipped`];
    expect(await collect(['12345678\n123456789\nok\n', '1234', '56789', '\nok', '5\n', '123456789'], 8)).toEqual([[1, '12345678'], tooLong(2), [3, 'ok'], tooLong(4), [5, 'ok5'], tooLong(6)]);
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
