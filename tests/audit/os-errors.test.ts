// EACCES needs a user the file's permissions refuse. Root bypasses them, so when the tests run as
// root the worker process runs as `nobody` (uid/gid 65534); otherwise as ourselves against a
// read-only file.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_POLICY, bundleWorker } from './worker.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-audit-eacces-'));
let worker: string;
beforeAll(async () => {
  worker = await bundleWorker();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileAuditSink as a user without write permission', () => {
  it('EACCES surfaces as ERR_AUDIT_WRITE naming the path and the reason', () => {
    chmodSync(dir, 0o755);
    const path = join(dir, 'audit.jsonl');
    writeFileSync(path, '');
    chmodSync(path, 0o444);
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, [worker, JSON.stringify({ task: 'open', path, policyPath: REFERENCE_POLICY, mode: 'durable' })], {
      encoding: 'utf8',
      ...(asRoot && { uid: 65534, gid: 65534 }),
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: false, name: 'AuditWriteError', code: 'ERR_AUDIT_WRITE', osCode: 'EACCES', path });
    expect(result.message).toBe(`audit write failed: ${path}: open: EACCES: permission denied, open '${path}'`);
  });
});
