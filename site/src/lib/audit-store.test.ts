import { describe, expect, it } from 'vitest';
import type { SavedAuditLog } from './audit-log';
import { AUDIT_STORAGE_KEY, AuditLogStore, formatChars } from './audit-store';

// The Web Storage interface over a Map, with the browsers' quota behaviour (setItem throws when full).
class MapStorage implements Storage {
  readonly #items = new Map<string, string>();
  constructor(readonly quota = Number.POSITIVE_INFINITY) {}
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    if (value.length > this.quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.#items.set(key, value);
  }
}

const saved = (lines: string[]): SavedAuditLog => ({ version: 1, run_id: 'run', chain_id: 'chain', lines, policies: { abc: 'version: "0.1"\n' } });

describe('AuditLogStore', () => {
  it('saves, loads and clears the log under its key', () => {
    const storage = new MapStorage();
    const store = new AuditLogStore(storage);
    expect(store.load()).toBeNull();
    const result = store.save(saved(['{"a":1}']));
    expect(result).toEqual({ ok: true, chars: JSON.stringify(saved(['{"a":1}'])).length });
    expect(storage.getItem(AUDIT_STORAGE_KEY)).not.toBeNull();
    expect(store.load()).toEqual(saved(['{"a":1}']));
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('refuses a log over its cap, and says when the browser refuses', () => {
    const big = saved(['x'.repeat(2000)]);
    expect(new AuditLogStore(new MapStorage(), { cap: 1000 }).save(big)).toMatchObject({ ok: false, reason: 'full', message: 'the log is over the 1 KiB kept in this browser' });
    expect(new AuditLogStore(new MapStorage(100)).save(big)).toMatchObject({ ok: false, reason: 'refused', message: expect.stringContaining('quota') });
    expect(new AuditLogStore(null).save(big)).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('rejects saved text that is not a log of this page', () => {
    const storage = new MapStorage();
    storage.setItem(AUDIT_STORAGE_KEY, JSON.stringify({ version: 2, lines: [] }));
    expect(() => new AuditLogStore(storage).load()).toThrow(/unknown shape/);
    storage.setItem(AUDIT_STORAGE_KEY, '{');
    expect(() => new AuditLogStore(storage).load()).toThrow(SyntaxError);
  });

  it('states sizes in KiB and MiB', () => {
    expect(formatChars(1024 * 1024)).toBe('1 MiB');
    expect(formatChars(1536 * 1024)).toBe('1.5 MiB');
    expect(formatChars(1000)).toBe('1 KiB');
  });
});
