import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../server/index.js';
import { JsonLineLogger } from './logger.js';

function collect(): { out: Writable; lines: () => string[] } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { out, lines: () => text.split('\n').filter((l) => l !== '') };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('JsonLineLogger.request', () => {
  it('writes the same JSON as write() for any entry: quotes, backslashes, control and non-ASCII characters, lone surrogates', async () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', '\u00e9', '\u2028', '\ud800', '\udfff'),
        fc.string({ unit: 'grapheme', maxLength: 1 }),
        fc.string({ unit: 'binary', maxLength: 1 }),
      ),
    });
    const entry = fc.record(
      {
        method: text,
        path: text,
        status: fc.integer({ min: 100, max: 599 }),
        duration_ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
        intent_id: text,
        decision: fc.constantFrom('ALLOW', 'DENY', 'MODIFY' as const),
        decision_id: fc.option(fc.uuid(), { nil: null }),
        error: text,
      },
      { requiredKeys: ['method', 'path', 'status', 'duration_ms'] },
    );
    await fc.assert(
      fc.asyncProperty(entry, async (e: RequestLogEntry) => {
        const a = collect();
        const b = collect();
        const viaTemplate = new JsonLineLogger(a.out);
        const viaStringify = new JsonLineLogger(b.out);
        viaTemplate.request(e);
        viaStringify.write(e);
        await Promise.all([viaTemplate.flush(), viaStringify.flush()]);
        const [line] = a.lines();
        const [expected] = b.lines();
        const { time, ...rest } = JSON.parse(line!) as { time: string };
        const { time: _t, ...expectedRest } = JSON.parse(expected!) as { time: string };
        expect(time).toMatch(ISO);
        expect(rest).toEqual(expectedRest);
        expect(Object.keys(rest)).toEqual(Object.keys(e).sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y)));
      }),
      { numRuns: 300 },
    );
  });

  it('batches the lines of one event-loop turn into one write, one line each', async () => {
    const writes: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = new JsonLineLogger(out);
    log.request({ method: 'POST', path: '/v1/check', status: 200, duration_ms: 0.25, intent_id: 'a', decision: 'ALLOW', decision_id: null });
    log.request({ method: 'GET', path: '/nope', status: 404, duration_ms: 0.01, error: 'ERR_NOT_FOUND' });
    await new Promise((resolve) => setImmediate(resolve));
    await log.flush();
    const lines = writes.join('').split('\n');
    expect(writes.filter((w) => w !== '')).toHaveLength(1);
    expect(lines.slice(0, 2).map((l) => JSON.parse(l) as object)).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/check', status: 200, duration_ms: 0.25, intent_id: 'a', decision: 'ALLOW', decision_id: null }),
      expect.objectContaining({ method: 'GET', path: '/nope', status: 404, duration_ms: 0.01, error: 'ERR_NOT_FOUND' }),
    ]);
    expect(lines[2]).toBe('');
  });
});

const ORDER = ['method', 'path', 'status', 'duration_ms', 'intent_id', 'decision', 'decision_id', 'error'];
