// --state FILE: the gate's snapshot saved at shutdown (atomically: a temporary file, synced, then
// renamed over the old one) and read at start, so a restart resumes the same windows and kill switch.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GateSnapshot } from '../../index.js';

/**
 * Reads a saved snapshot's text, or null when the file does not exist yet (a first start).
 *
 * @throws the file system's error for anything but a missing file.
 */
export async function readStateText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes `snapshot` to `path` so that a crash leaves either the old file or the new one, whole. */
export function saveState(path: string, snapshot: GateSnapshot): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(snapshot, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
