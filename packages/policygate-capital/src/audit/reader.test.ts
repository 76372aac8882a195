import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../util/sha256.js';
import { MemoryAuditSink } from './memory-sink.js';
import { readAuditLog } from './reader.js';
import { chainedLog } from './test-fixtures.js';

const jsonl = (lines: string[]) => lines.join('\n') + '\n';

/** Changes one byte of a line while keeping it valid JSON: the last digit of the intent's qty. */
function editOneByte(line: string): string {
  const at = line.indexOf('"qty":') + '"qty":'.length;
  const end = line.slice(at).search(/[,}]/) + at;
  const digit = line[end - 1]!;
  return line.slice(0, end - 1) + (digit === '9' ? '8' : String(Number(digit) + 1)) + line.slice(end);
}

describe('readAuditLog — a log as written', () => {
  it('reads every event of an intact chained log with its line number and exact text', async () => {
    const { text, lines, sink } = await chainedLog(10);
    const log = await readAuditLog(text);
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    expect(log.chained).toBe(true);
    expect(log.events.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.events.map((e) => e.raw)).toEqual(lines);
    expect(log.events.map((e) => e.event.intent.intent_id)).toEqual(lines.map((l) => JSON.parse(l).intent.intent_id));
    expect(new Set(log.events.map((e) => e.event.decision.decision))).toEqual(new Set(['ALLOW', 'MODIFY', 'DENY']));
    expect(log.chains).toEqual([{ chainId: sink.head.chainId, events: 10, firstLine: 1, lastLine: 10, headLine: 10, head: sink.head }]);
  });

  it("reads several writers' chains interleaved in one file", async () => {
    const a = await chainedLog(6);
    const b = await chainedLog(6);
    const mixed = [a.lines[0]!, b.lines[0]!, b.lines[1]!, a.lines[1]!, a.lines[2]!, b.lines[2]!, a.lines[3]!, a.lines[4]!, b.lines[3]!, b.lines[4]!, b.lines[5]!, a.lines[5]!];
    const log = await readAuditLog(jsonl(mixed));
    expect(log.chainBreaks).toEqual([]);
    expect(log.chains.map((c) => [c.chainId, c.events])).toEqual([
      [a.sink.head.chainId, 6],
      [b.sink.head.chainId, 6],
    ]);
  });

  it("treats events without chain fields (the Python package's) as a valid unchained log", async () => {
    const { lines } = await chainedLog(3);
    const unchained = lines.map((l) => {
      const { chain_id: _c, chain_seq: _s, prev_hash: _p, ...rest } = JSON.parse(l);
      return JSON.stringify(rest);
    });
    const log = await readAuditLog(jsonl(unchained));
    expect(log).toMatchObject({ chained: false, chainBreaks: [], errors: [], chains: [] });
    expect(log.events).toHaveLength(3);
  });

  it('ignores blank lines, a byte-order mark and CRLF line ends', async () => {
    const { lines } = await chainedLog(2);
    const log = await readAuditLog('\ufeff' + lines[0] + '\r\n\n   \n' + lines[1] + '\n');
    expect(log.errors).toEqual([]);
    expect(log.events.map((e) => e.line)).toEqual([1, 4]);
  });
});

describe('readAuditLog — bad lines', () => {
  it('reports invalid JSON and wrong shapes with line number and reason, and reads on', async () => {
    const { lines } = await chainedLog(5);
    const wrongShape = JSON.parse(lines[3]!);
    wrongShape.decision.violations = [{ rule_id: 'X', severity: 'LOW', message: 'm', inputs: {}, computed: {} }];
    const text = jsonl([lines[0]!, '{"decision":', lines[2]!, JSON.stringify(wrongShape), '[1,2]', lines[4]!]);
    const log = await readAuditLog(text);
    expect(log.events.map((e) => e.line)).toEqual([1, 3, 6]);
    expect(log.errors.map((e) => e.line)).toEqual([2, 4, 5]);
    expect(log.errors[0]!.reason).toMatch(/^invalid JSON: /);
    expect(log.errors[1]!.reason).toMatch(/^not an audit event: decision\.violations\[0\]\.severity: must be CRIT or HIGH, got "LOW"/);
    expect(log.errors[2]!.reason).toMatch(/^not an audit event: /);
  });

  it('reports a torn last line (a crash mid-write) and keeps the lines before it intact', async () => {
    const { text, lines, sink } = await chainedLog(6);
    const torn = text.slice(0, text.length - Math.floor(lines[5]!.length / 2));
    const log = await readAuditLog(torn);
    expect(log.errors).toEqual([{ line: 6, reason: expect.stringMatching(/^torn last line: no newline at the end/) }]);
    expect(log.events.map((e) => e.raw)).toEqual(lines.slice(0, 5));
    expect(log.chainBreaks).toEqual([]);
    expect(log.chains[0]!.head.seq).toBe(4);
    expect(sink.head.seq).toBe(5);
  });
});

describe('readAuditLog — tampering with a chained log', () => {
  it('detects one edited byte, at the line after the edited one, naming the edited line', async () => {
    const { lines } = await chainedLog(10);
    const edited = [...lines];
    edited[3] = editOneByte(lines[3]!);
    expect(edited[3]).not.toBe(lines[3]);
    expect(edited[3]!.length).toBe(lines[3]!.length);
    const log = await readAuditLog(jsonl(edited));
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([expect.objectContaining({ line: 5, kind: 'hash-mismatch', previousLine: 4, reason: expect.stringContaining('line 4 was altered') })]);
  });

  it("detects an edit of a line's own prev_hash on that line and the next", async () => {
    const { lines } = await chainedLog(6);
    const edited = [...lines];
    edited[2] = lines[2]!.replace(/"prev_hash":"(.)/, (_m, c: string) => `"prev_hash":"${c === 'a' ? 'b' : 'a'}`);
    const log = await readAuditLog(jsonl(edited));
    expect(log.chainBreaks.map((b) => [b.line, b.kind])).toEqual([
      [3, 'hash-mismatch'],
      [4, 'hash-mismatch'],
    ]);
  });

  it('detects a dropped line, at the line where the gap shows', async () => {
    const { lines } = await chainedLog(10);
    const dropped = [...lines.slice(0, 4), ...lines.slice(5)];
    const log = await readAuditLog(jsonl(dropped));
    expect(log.chainBreaks).toEqual([expect.objectContaining({ line: 5, kind: 'missing', reason: expect.stringContaining('chain_seq 4 of chain') })]);
  });

  it('detects a dropped first line', async () => {
    const { lines } = await chainedLog(4);
    const log = await readAuditLog(jsonl(lines.slice(1)));
    expect(log.chainBreaks).toEqual([expect.objectContaining({ line: 1, kind: 'missing', reason: expect.stringContaining('chain_seq 0 of chain') })]);
  });

  it('detects two swapped lines, adjacent or not', async () => {
    const { lines } = await chainedLog(10);
    const adjacent = [...lines];
    [adjacent[3], adjacent[4]] = [adjacent[4]!, adjacent[3]!];
    const a = await readAuditLog(jsonl(adjacent));
    expect(a.chainBreaks).toEqual([expect.objectContaining({ line: 5, kind: 'out-of-order', previousLine: 4 })]);

    const apart = [...lines];
    [apart[2], apart[7]] = [apart[7]!, apart[2]!];
    const b = await readAuditLog(jsonl(apart));
    expect(b.chainBreaks.length).toBeGreaterThan(0);
    expect(b.chainBreaks.every((x) => x.kind === 'out-of-order' && x.line >= 4 && x.line <= 8)).toBe(true);
    expect(b.chainBreaks.map((x) => x.line)).toContain(8);
  });

  it('detects a forged line appended as a copy of an earlier event with another decision', async () => {
    const { lines } = await chainedLog(10);
    const forged = JSON.parse(lines[4]!);
    // A well-formed ALLOW (an ALLOW with a modified intent is not even a valid event): only the chain can tell.
    Object.assign(forged.decision, { decision: 'ALLOW', modified_intent: null });
    const log = await readAuditLog(jsonl([...lines, JSON.stringify(forged)]));
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([expect.objectContaining({ line: 11, kind: 'duplicate', previousLine: 5 })]);
  });

  it('detects a forged line appended with the next chain_seq but a made-up prev_hash', async () => {
    const { lines } = await chainedLog(10);
    const forged = JSON.parse(lines[9]!);
    forged.chain_seq = 10;
    Object.assign(forged.decision, { decision: 'ALLOW', modified_intent: null });
    const log = await readAuditLog(jsonl([...lines, JSON.stringify(forged)]));
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([expect.objectContaining({ line: 11, kind: 'hash-mismatch', previousLine: 10 })]);
  });

  it('detects an appended line without chain fields', async () => {
    const { lines } = await chainedLog(4);
    const { chain_id: _c, chain_seq: _s, prev_hash: _p, ...plain } = JSON.parse(lines[0]!);
    const log = await readAuditLog(jsonl([...lines, JSON.stringify(plain)]));
    expect(log.chainBreaks).toEqual([expect.objectContaining({ line: 5, kind: 'unchained' })]);
  });

  it('cannot see a well-forged line at the end of a chain by itself, but an expected head can', async () => {
    const { lines, sink } = await chainedLog(10);
    const forged = JSON.parse(lines[9]!);
    forged.chain_seq = 10;
    forged.prev_hash = await sha256Hex(lines[9]!);
    forged.event_id = crypto.randomUUID();
    const text = jsonl([...lines, JSON.stringify(forged)]);
    expect((await readAuditLog(text)).chainBreaks).toEqual([]);
    const anchored = await readAuditLog(text, { expectedHeads: [sink.head] });
    expect(anchored.chainBreaks).toEqual([expect.objectContaining({ line: 11, kind: 'head-mismatch' })]);
    // …and the same anchor shows lines cut off the end.
    const cut = await readAuditLog(jsonl(lines.slice(0, 8)), { expectedHeads: [sink.head] });
    expect(cut.chainBreaks).toEqual([expect.objectContaining({ line: 8, kind: 'head-mismatch', reason: expect.stringContaining('expected chain_seq 9') })]);
    expect((await readAuditLog(jsonl(lines), { expectedHeads: [sink.head] })).chainBreaks).toEqual([]);
  });

  it('reports incomplete chain fields and a first line that claims a predecessor', async () => {
    const { lines } = await chainedLog(3);
    const partial = JSON.parse(lines[1]!);
    delete partial.chain_id;
    const genesis = JSON.parse(lines[0]!);
    genesis.prev_hash = 'a'.repeat(64);
    const log = await readAuditLog(jsonl([JSON.stringify(genesis), JSON.stringify(partial), lines[2]!]));
    expect(log.chainBreaks.map((b) => [b.line, b.kind])).toEqual([
      [1, 'malformed'],
      [2, 'malformed'],
      [3, 'missing'],
    ]);
  });

  it('verifies with the hash function it is given (e.g. Web Crypto)', async () => {
    const { text } = await chainedLog(5);
    let calls = 0;
    const log = await readAuditLog(text, { hash: (t) => (calls++, sha256Hex(t)) });
    expect(log.chainBreaks).toEqual([]);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('MemoryAuditSink output', () => {
  it('is what readAuditLog reads back', async () => {
    const sink = new MemoryAuditSink();
    expect(sink.toJsonl()).toBe('');
    const { text } = await chainedLog(3, sink);
    expect(text.endsWith('\n')).toBe(true);
    expect((await readAuditLog(text)).events).toHaveLength(3);
  });
});
