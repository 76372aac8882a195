import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../util/sha256.js';
import { sha256HexSync } from './sha256-sync.js';

describe('sha256HexSync', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(sha256HexSync('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexSync('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256HexSync('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with Web Crypto on every length across the padding boundaries (0–200 bytes)', async () => {
    for (let n = 0; n <= 200; n++) {
      const text = 'x'.repeat(n);
      expect(sha256HexSync(text), `length ${n}`).toBe(await sha256Hex(text));
    }
  });

  it('agrees with Web Crypto on arbitrary Unicode text (hashes the UTF-8 bytes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (text) => {
        expect(sha256HexSync(text)).toBe(await sha256Hex(text));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with Web Crypto on a multi-block audit-sized line', async () => {
    const text = JSON.stringify({ prices: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`S${i}`, i * 1.5])) });
    expect(text.length).toBeGreaterThan(2000);
    expect(sha256HexSync(text)).toBe(await sha256Hex(text));
  });
});
