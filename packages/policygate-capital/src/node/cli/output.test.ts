import fc from 'fast-check';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../util/canonical-json.js';
import { PolicyGateError } from '../../errors.js';
import { UsageError } from './args.js';
import { describeError, formatJson, LineWriter } from './output.js';

const hasIntegerLikeKey = (v: unknown): boolean => v !== null && typeof v === 'object' && (Object.keys(v).some((k) => /^(0|[1-9]\d*)$/.test(k)) || Object.values(v).some(hasIntegerLikeKey));

describe('formatJson', () => {
  it('prints the canonical line, and with pretty the same JSON indented as JSON.stringify(…, 2) would', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const line = formatJson(value);
        expect(line).toBe(canonicalJson(value));
        const pretty = formatJson(value, true);
        expect(JSON.parse(pretty)).toEqual(JSON.parse(line));
        // Where a JavaScript object keeps the sorted order, the layout is exactly JSON.stringify's.
        if (!hasIntegerLikeKey(value)) expect(pretty).toBe(JSON.stringify(JSON.parse(line), null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps keys in code-point order even when they look like indexes', () => {
    expect(formatJson({ '9': 1, '10': 2, b: { é: 'ü' } }, true)).toBe('{\n  "10": 2,\n  "9": 1,\n  "b": {\n    "\\u00e9": "\\u00fc"\n  }\n}');
  });

  it('refuses non-finite numbers', () => {
    expect(() => formatJson({ qty: NaN })).toThrow(RangeError);
  });
});

describe('describeError', () => {
  it('prints input problems as they are, usage problems with a hint, and anything else as an internal error', () => {
    expect(describeError(new PolicyGateError('ERR_X', 'bad input'), 'cmd', false)).toBe('cmd: bad input\n');
    expect(describeError(new UsageError('missing --policy'), 'cmd', false)).toBe("cmd: missing --policy\nRun 'cmd --help' for usage.\n");
    expect(describeError(new TypeError('x is undefined'), 'cmd', false)).toBe('cmd: internal error: x is undefined\nRun again with --debug for details.\n');
  });

  it('adds the stack and every cause with debug', () => {
    const text = describeError(new PolicyGateError('ERR_X', 'outer', { cause: new Error('inner') }), 'cmd', true);
    expect(text).toMatch(/^cmd: outer\nPolicyGateError: outer\n\s+at /);
    expect(text).toMatch(/\nCaused by: Error: inner\n\s+at /);
  });
});

describe('LineWriter', () => {
  it('writes every line in order, in few large writes, waiting for drain', async () => {
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        setImmediate(done);
      },
    });
    const out = new LineWriter(slow, 4096);
    const lines = Array.from({ length: 2000 }, (_, i) => `{"n":${i}}`);
    for (const line of lines) await out.line(line);
    await out.end();
    expect(chunks.join('')).toBe(lines.map((l) => l + '\n').join(''));
    expect(chunks.length).toBeLessThan(lines.length / 50);
    expect(slow.listenerCount('drain')).toBe(0);
  });

  it('turns a closed pipe into closed = true, without an error', async () => {
    const pipe = new PassThrough();
    const out = new LineWriter(pipe, 1);
    pipe.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await out.line('x');
    expect(out.closed).toBe(true);
    expect(out.failure).toBeUndefined();
  });
});
