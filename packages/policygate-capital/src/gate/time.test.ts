import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestampUs, parseTimestampUs, TimestampParser } from './time.js';

describe('parseTimestampUs', () => {
  it('reads RFC 3339 UTC timestamps as microseconds since the epoch', () => {
    expect(parseTimestampUs('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseTimestampUs('2026-02-18T14:30:00Z')).toBe(Date.UTC(2026, 1, 18, 14, 30) * 1000);
    expect(parseTimestampUs('2026-02-18T14:30:00.5Z')).toBe(Date.UTC(2026, 1, 18, 14, 30) * 1000 + 500_000);
    expect(parseTimestampUs('2026-02-18T14:30:00.000001Z')).toBe(Date.UTC(2026, 1, 18, 14, 30) * 1000 + 1);
  });

  it('applies numeric offsets, and accepts the separators and zone letters RFC 3339 allows', () => {
    const utc = parseTimestampUs('2026-02-18T14:30:00Z');
    expect(parseTimestampUs('2026-02-18T16:00:00+01:30')).toBe(utc);
    expect(parseTimestampUs('2026-02-18T09:30:00-05:00')).toBe(utc);
    expect(parseTimestampUs('2026-02-18T14:30:00+00:00')).toBe(utc);
    expect(parseTimestampUs('2026-02-18t14:30:00z')).toBe(utc);
    expect(parseTimestampUs('2026-02-18 14:30:00Z')).toBe(utc);
  });

  it('truncates fraction digits beyond microseconds (the Python datetime resolution)', () => {
    expect(parseTimestampUs('2026-02-18T14:30:00.1234569Z')).toBe(parseTimestampUs('2026-02-18T14:30:00.123456Z'));
  });

  it('refuses times a double cannot hold to the microsecond (before 1685, after 2255)', () => {
    expect(parseTimestampUs('1700-01-01T00:00:00Z')).toBe(Date.UTC(1700, 0, 1) * 1000);
    expect(parseTimestampUs('2250-12-31T23:59:59.999999Z')).toBe(Date.UTC(2250, 11, 31, 23, 59, 59) * 1000 + 999_999);
    expect(parseTimestampUs('0001-01-01T00:00:00Z')).toBeNaN();
    expect(parseTimestampUs('9999-12-31T23:59:59Z')).toBeNaN();
  });

  it.each([
    '2026-02-18',
    '2026-02-18T14:30Z',
    '2026-02-18T14:30:00',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-02-18T24:00:00Z',
    '2026-02-18T14:60:00Z',
    '2026-02-18T14:30:60Z',
    '2026-02-18T14:30:00.Z',
    '2026-02-18T14:30:00+2:00',
    '2026-02-18T14:30:00+24:00',
    '2026-02-18T14:30:00Zjunk',
    ' 2026-02-18T14:30:00Z',
    'Feb 18 2026 14:30:00 GMT',
  ])('rejects %j', (text) => {
    expect(parseTimestampUs(text)).toBeNaN();
  });

  it('validates the time of day even when the date was just seen (the parser remembers dates)', () => {
    expect(parseTimestampUs('2026-02-18T14:30:00Z')).toBe(Date.UTC(2026, 1, 18, 14, 30) * 1000);
    expect(parseTimestampUs('2026-02-18T25:00:00Z')).toBeNaN();
    expect(parseTimestampUs('2026-02-18X14:30:00Z')).toBeNaN();
    expect(parseTimestampUs('2026-02-18T14:30:00Z')).toBe(Date.UTC(2026, 1, 18, 14, 30) * 1000);
    expect(parseTimestampUs('2026-02-18T14:30:60Z')).toBeNaN(); // same minute as the last stamp
    expect(parseTimestampUs('2026-02-18T14:30;00Z')).toBeNaN();
    expect(parseTimestampUs('2026-02-18T14:30:00+01:00')).toBe(Date.UTC(2026, 1, 18, 13, 30) * 1000);
    expect(parseTimestampUs('2026-02-18T14:30:01Z')).toBe(Date.UTC(2026, 1, 18, 14, 30, 1) * 1000);
    expect(parseTimestampUs('2026-02-18T14:30:01Z')).toBe(Date.UTC(2026, 1, 18, 14, 30, 1) * 1000);
    expect(parseTimestampUs('2026-02-19T00:00:00Z')).toBe(Date.UTC(2026, 1, 19) * 1000);
  });

  it('rejects non-strings', () => {
    expect(parseTimestampUs(undefined)).toBeNaN();
    expect(parseTimestampUs(1771425000000)).toBeNaN();
  });

  it('agrees with Date.parse on millisecond timestamps', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1700-01-01T00:00:00Z'), max: new Date('2250-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const text = d.toISOString();
        expect(parseTimestampUs(text)).toBe(Date.parse(text) * 1000);
      }),
    );
  });
});

describe('formatTimestampUs', () => {
  it('writes whole seconds without a fraction and other times with six digits', () => {
    expect(formatTimestampUs(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatTimestampUs(Date.UTC(2026, 1, 18, 14, 30) * 1000 + 1)).toBe('2026-02-18T14:30:00.000001Z');
    expect(formatTimestampUs(-1)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('round-trips every microsecond of the range it accepts', () => {
    const min = parseTimestampUs('1700-01-01T00:00:00Z');
    const max = parseTimestampUs('2250-12-31T23:59:59.999999Z');
    fc.assert(
      fc.property(fc.integer({ min, max }), (us) => {
        expect(parseTimestampUs(formatTimestampUs(us))).toBe(us);
      }),
    );
  });
});

describe('TimestampParser', () => {
  it('parses a stream exactly as parseTimestampUs does, its memory of the last stamp and date notwithstanding', () => {
    const p = new TimestampParser();
    const stream = [
      '2026-02-18T14:30:00Z',
      '2026-02-18T14:30:00Z',
      '2026-02-18T14:30:01.5Z',
      '2026-02-30T00:00:00Z',
      '2026-02-18T14:30:01.5Z',
      '2024-02-29T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '',
      42,
      null,
      '2026-02-18 14:30:00+02:00',
      '2026-02-18T14:30:00Z',
    ];
    for (const s of stream) expect(p.parse(s)).toBe(parseTimestampUs(s));
    expect(p.parse('2026-02-30T00:00:00Z')).toBeNaN();
  });

  it('agrees with parseTimestampUs on streams whose stamps share their date and minute or differ from one by a character (its memory of the last stamp and date)', () => {
    const heads = ['2026-02-18T14:30:', '2026-02-18 14:30:', '2024-02-29T23:59:', '2026-02-30T00:00:', '2026-02-18T14:3:'];
    const tails = ['00Z', '59.999999Z', '60Z', '07.5+02:00', '07.5-24:00', '1Z', '00', '00.Z', '00Zjunk', '00.1234567z', '9a'];
    const stamp = fc.oneof(
      fc.tuple(fc.constantFrom(...heads), fc.constantFrom(...tails)).map(([h, t]) => h + t),
      // one character of a valid stamp replaced: the head may no longer match, or no longer be valid
      fc.tuple(fc.nat({ max: 25 }), fc.constantFrom('0', '9', ':', '-', 'T', 'Z', '.', 'x')).map(([i, c]) => {
        const base = '2026-02-18T14:30:05.25Z';
        return base.slice(0, i) + c + base.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(fc.array(stamp, { maxLength: 30 }), (stream) => {
        const p = new TimestampParser();
        for (const s of stream) expect(p.parse(s)).toBe(parseTimestampUs(s));
      }),
      { numRuns: 500 },
    );
  });
});
