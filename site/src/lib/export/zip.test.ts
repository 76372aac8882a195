// Checked with the system's Info-ZIP `unzip` (an independent reader), not with our own code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipFiles } from './zip';

describe('zipFiles', () => {
  it('writes an archive that unzip tests clean and extracts byte for byte, folders and UTF-8 text included', () => {
    const files = { 'policy.yaml': 'version: "0.1"\n', 'orders/01-a/intents.jsonl': '{"x":1}\n', 'notes/read me.txt': 'héllo ✓\n', 'empty.txt': '' };
    const dir = mkdtempSync(join(tmpdir(), 'pg-zip-'));
    writeFileSync(join(dir, 'a.zip'), zipFiles(files));
    expect(execFileSync('unzip', ['-t', 'a.zip'], { cwd: dir, encoding: 'utf8' })).toMatch(/No errors detected/);
    execFileSync('unzip', ['-q', 'a.zip', '-d', 'out'], { cwd: dir });
    for (const [path, text] of Object.entries(files)) expect(readFileSync(join(dir, 'out', path), 'utf8')).toBe(text);
  });

  it('is deterministic: the same files give the same bytes', () => {
    expect(zipFiles({ a: '1', b: '2' })).toEqual(zipFiles({ a: '1', b: '2' }));
  });
});
