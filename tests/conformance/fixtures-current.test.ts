// The vendored conformance data (tests/fixtures/conformance) is the copy every test reads. Each file
// must match the digest recorded here (the copy is intact); when the shared folder sits beside the
// clone, as in CI, it must also equal the shared file byte for byte, so that a newer version of the
// shared data is noticed instead of silently ignored. Without the shared folder the same tests run.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from './cases.js';

const SHARED_DIR = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

const DIGESTS: Record<string, string> = {
  'README.md': '0c95b4bee8c8ffd5b05856234ee99b8da4b0c65de612b7f7766eb250e2a3a18b',
  'cases.jsonl': '1e90e51e998d49fe2b9452d78be66b6422d0ee4caa664bc72f7b07be37d3ed20',
  'cases-v02.jsonl': 'f96fc99d8832c5c53f7221b46d3ba535f7fddede55d324b4542f509b610a881c',
  'reference-audit.jsonl': '1b6b07678bfdd5b6e35e8065fdbc5b349d00d39e39f502d1ae44d00f83fa4092',
  'reference-policy.yaml': '656efd27a605065d8d30b768ed1a2ceee1722046b48fb7846a5eaf7c1c8f9a68',
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('vendored conformance data', () => {
  for (const [name, digest] of Object.entries(DIGESTS)) {
    it(`${name} is intact and, where ../shared/conformance exists, current`, () => {
      const copy = readFileSync(CONFORMANCE_DIR + name);
      expect(sha256(copy), `tests/fixtures/conformance/${name} was edited: restore it (it is generated data)`).toBe(digest);
      if (existsSync(SHARED_DIR + name)) {
        const shared = readFileSync(SHARED_DIR + name);
        expect(
          sha256(shared),
          `../shared/conformance/${name} differs from the vendored copy: a newer version of the data? ` +
            'Copy it with `cp ../shared/conformance/* tests/fixtures/conformance/`, update the digests in this test, and run the tests.',
        ).toBe(digest);
      }
    });
  }
});
