// Keeps the playground's audit log in this browser's localStorage (per browser and per site, never
// sent anywhere) until it is cleared, so that a reload does not lose it. The saved form is capped:
// localStorage holds a few megabytes per site, and a full log should be downloaded, not grow.
import type { SavedAuditLog } from './audit-log';

/** The localStorage key of the saved log. */
export const AUDIT_STORAGE_KEY = 'policygate-playground:audit-log';
/** At most this many characters of saved JSON (1 MiB; about 400 events of the presets). */
export const AUDIT_STORAGE_CAP = 1024 * 1024;

/** Why a save did not happen: the log is over the cap, or the browser refused (quota, storage off). */
export type SaveResult = { ok: true; chars: number } | { ok: false; reason: 'full' | 'refused'; message: string };

function isSaved(value: unknown): value is SavedAuditLog {
  const v = value as SavedAuditLog;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    typeof v.run_id === 'string' &&
    typeof v.chain_id === 'string' &&
    Array.isArray(v.lines) &&
    v.lines.every((l) => typeof l === 'string') &&
    typeof v.policies === 'object' &&
    v.policies !== null &&
    Object.values(v.policies).every((t) => typeof t === 'string')
  );
}

/**
 * The saved audit log in a `Storage` (the page passes `localStorage`; null where storage is off).
 *
 * @example
 * ```ts
 * const store = new AuditLogStore(window.localStorage)
 * const saved = store.load() // null when nothing is saved
 * store.save(log.toSaved())
 * ```
 */
export class AuditLogStore {
  readonly #storage: Storage | null;
  readonly #key: string;
  readonly cap: number;

  constructor(storage: Storage | null, { key = AUDIT_STORAGE_KEY, cap = AUDIT_STORAGE_CAP }: { key?: string; cap?: number } = {}) {
    this.#storage = storage;
    this.#key = key;
    this.cap = cap;
  }

  /** The key this store uses, for `storage` events of other tabs. */
  get key(): string {
    return this.#key;
  }

  /** The saved log; null when there is none. Throws when what is saved is not a log of this page. */
  load(): SavedAuditLog | null {
    const text = this.#storage?.getItem(this.#key) ?? null;
    if (text === null) return null;
    const value: unknown = JSON.parse(text);
    if (!isSaved(value)) throw new Error('the saved audit log has an unknown shape');
    return value;
  }

  /** Saves `log`, unless it is over the cap or the browser refuses. */
  save(log: SavedAuditLog): SaveResult {
    const text = JSON.stringify(log);
    if (text.length > this.cap) return { ok: false, reason: 'full', message: `the log is over the ${formatChars(this.cap)} kept in this browser` };
    if (!this.#storage) return { ok: false, reason: 'refused', message: 'this browser does not allow local storage here' };
    try {
      this.#storage.setItem(this.#key, text);
      return { ok: true, chars: text.length };
    } catch (e) {
      return { ok: false, reason: 'refused', message: `the browser refused to store it (${(e as Error).message})` };
    }
  }

  /** Removes the saved log. */
  clear(): void {
    this.#storage?.removeItem(this.#key);
  }
}

/** `1 MiB`, `512 KiB`: a character count as the panel shows it (one character ≈ one byte of the log). */
export function formatChars(chars: number): string {
  if (chars >= 1024 * 1024) return `${+(chars / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.ceil(chars / 1024)} KiB`;
}
