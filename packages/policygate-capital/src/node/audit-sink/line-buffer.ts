// The lines a sink has accepted and not yet written, as bytes in one reused buffer.
import * as nodeCrypto from 'node:crypto';

// The one-shot crypto.hash (Node 20.12+) skips the Hash object createHash builds per line.
const sha256: (bytes: Uint8Array) => string =
  typeof nodeCrypto.hash === 'function' ? (bytes) => nodeCrypto.hash('sha256', bytes, 'hex') : (bytes) => nodeCrypto.createHash('sha256').update(bytes).digest('hex');

// Lines waiting to be written are kept as bytes in one reused buffer, not as strings joined and
// encoded into a fresh Buffer per write: a fresh 1 MiB allocation per batch cost more CPU (page
// faults, zeroing) than the write() itself.
const INITIAL_BUFFER = 64 << 10;

/**
 * Whole lines, encoded as they are accepted, waiting for a write. A batched sink's buffers are
 * `SharedArrayBuffer`s (its writer thread writes them); a durable sink's are ordinary memory.
 */
export class LineBuffer {
  /** The buffer the next line is encoded into. */
  bytes: Buffer;
  /** Bytes of whole lines in {@link LineBuffer.bytes}, not yet written. */
  length = 0;
  readonly #shared: boolean;
  readonly #keepLimit: number;

  constructor(shared: boolean, maxBatchBytes: number) {
    this.#shared = shared;
    // A buffer grown past twice the batch size (by a burst, or a huge line) is not kept for reuse.
    this.#keepLimit = 2 * Math.max(maxBatchBytes, INITIAL_BUFFER);
    this.bytes = this.#allocate(INITIAL_BUFFER);
  }

  /**
   * The chain's hash function: the chain hashes each line once, as soon as it is final, so this is
   * where the line is encoded into the buffer (with its newline), and the hash is taken of the very
   * bytes written, not of a second encoding. Lines are ASCII (canonical JSON escapes everything from
   * U+007F up), so latin1 writes them byte for byte, without UTF-8's scan.
   */
  encode(line: string): string {
    const start = this.length;
    const end = start + line.length;
    if (end + 1 > this.bytes.length) this.#grow(end + 1);
    this.bytes.write(line, start, 'latin1');
    const hash = sha256(this.bytes.subarray(start, end));
    this.bytes[end] = 0x0a;
    this.length = end + 1;
    return hash;
  }

  /** Empties the buffer (its lines were written, or are lost); a buffer grown by a burst is let go. */
  discard(): void {
    this.length = 0;
    if (!this.worthKeeping(this.bytes)) this.bytes = this.#allocate(INITIAL_BUFFER);
  }

  /**
   * Hands the current buffer over (to the writer thread) and goes on in `spare` when it is worth
   * keeping, or in a fresh buffer; returns the buffer handed over.
   */
  swap(spare: Buffer | undefined): Buffer {
    const full = this.bytes;
    this.bytes = spare !== undefined && this.worthKeeping(spare) ? spare : this.#allocate(INITIAL_BUFFER);
    this.length = 0;
    return full;
  }

  /** Whether a buffer is small enough to be reused. */
  worthKeeping(buffer: Buffer): boolean {
    return buffer.length <= this.#keepLimit;
  }

  #allocate(bytes: number): Buffer {
    return this.#shared ? Buffer.from(new SharedArrayBuffer(bytes)) : Buffer.allocUnsafeSlow(bytes);
  }

  #grow(bytes: number): void {
    const bigger = this.#allocate(Math.max(bytes, 2 * this.bytes.length));
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }
}
