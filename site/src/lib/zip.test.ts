import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32, zipStored } from './zip';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('zipStored', () => {
  it('computes the CRC-32 ZIP records (the standard check value)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes an archive that the system unzip tests and extracts byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgc-zip-'));
    dirs.push(dir);
    const files = [
      { name: 'policygate-audit.jsonl', text: '{"a":1}\n{"b":"é, 日本"}\n' },
      { name: 'policy-656efd27a605.yaml', text: 'version: "0.1"\n# ünïcode\n' },
      { name: 'empty.txt', text: '' },
    ];
    const zip = join(dir, 'out.zip');
    writeFileSync(zip, zipStored(files, new Date(2026, 1, 18, 14, 30, 2)));
    expect(execFileSync('unzip', ['-tq', zip], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const listing = execFileSync('unzip', ['-Z', '-T', zip], { encoding: 'utf8' });
    expect(listing).toContain('20260218.143002');
    execFileSync('unzip', ['-q', zip, '-d', join(dir, 'x')]);
    for (const f of files) expect(readFileSync(join(dir, 'x', f.name), 'utf8')).toBe(f.text);
  });
});
