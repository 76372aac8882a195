// The Redis keys of one book. The book name is the hash tag (`{book}`): every key of a book hashes
// to one slot, so the Lua scripts that touch several of them run on one Redis Cluster node.

/**
 * The keys of a book under a prefix: `<prefix>{<book>}:head` (a hash: `v` the committed version,
 * `id` the last operation's id, `policy` the policy hash), `:ops` (a stream of committed
 * operations whose entry ids are `<version>-0`) and `:snap` (a hash: `v` and `json`, a gate
 * snapshot at version `v`).
 *
 * @example
 * ```ts
 * new BookKeys('desk-1', 'pg:').head // 'pg:{desk-1}:head'
 * ```
 */
export class BookKeys {
  /** The head hash: committed version, last op id, policy hash. */
  readonly head: string;
  /** The stream of committed operations. */
  readonly ops: string;
  /** The latest saved snapshot. */
  readonly snap: string;

  constructor(
    readonly book: string,
    readonly prefix: string,
  ) {
    if (typeof book !== 'string' || book === '' || /[{}]/.test(book)) {
      throw new TypeError(`book must be a non-empty string without braces, got ${JSON.stringify(book)}`);
    }
    const base = `${prefix}{${book}}:`;
    this.head = base + 'head';
    this.ops = base + 'ops';
    this.snap = base + 'snap';
  }
}
