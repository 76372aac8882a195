import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BearerAuth } from './auth.js';

describe('BearerAuth', () => {
  it('accepts exactly the token: not a prefix, an extension, another token of its length, or no scheme', () => {
    const auth = new BearerAuth('s3cr\u00e9t-\u{1f511}');
    expect(auth.accepts('Bearer s3cr\u00e9t-\u{1f511}')).toBe(true);
    expect(auth.accepts('bearer   s3cr\u00e9t-\u{1f511} ')).toBe(true);
    for (const wrong of [
      'Bearer s3cr\u00e9t-',
      'Bearer s3cr\u00e9t-\u{1f511}x',
      'Bearer s3cret-\u{1f511}',
      'Bearer s3cr\u00e9t-\u{1f512}',
      's3cr\u00e9t-\u{1f511}',
      'Basic s3cr\u00e9t-\u{1f511}',
      'Bearer ',
      '',
      null,
    ]) {
      expect(auth.accepts(wrong)).toBe(false);
    }
  });

  it('accepts a header if and only if it carries the token (property)', () => {
    const token = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((t) => /^\S+$/.test(t));
    fc.assert(
      fc.property(token, token, (expected, given) => {
        expect(new BearerAuth(expected).accepts(`Bearer ${given}`)).toBe(given === expected);
        expect(new BearerAuth(expected).accepts(`Bearer ${expected}`)).toBe(true);
      }),
    );
  });

  it('refuses an empty token', () => {
    expect(() => new BearerAuth('')).toThrow(TypeError);
  });
});
