// Reading JSONL audit text: every good line becomes an event, every bad line a problem with its line
// number, and the hash chains of the lines that carry them are verified. Never gives up on a file.
import type * as v from 'valibot';
import { formatPath, issueMessage, pathKeys } from '../model/issues.js';
import type { ChainHead } from './chain.js';
import { AuditEventSchema, type AuditEvent } from './schema.js';
import { sha256HexSync } from './sha256-sync.js';
import { safeParse } from '../util/safe-parse.js';

/** A good line: its 1-based number, the validated event, and the line's exact text. */
export interface AuditLogEntry {
  line: number;
  event: AuditEvent;
  raw: string;
}

/** A line that is not an audit event: its 1-based number and why. */
export interface AuditLogProblem {
  line: number;
  reason: string;
}

/** What kind of chain problem a {@link ChainBreak} is. */
export type ChainBreakKind =
  | 'hash-mismatch' // prev_hash differs from the SHA-256 of the chain's previous line: one was altered
  | 'missing' // chain_seq values absent: lines dropped (or unreadable)
  | 'out-of-order' // a chain_seq lower than one before it: lines moved
  | 'duplicate' // a chain_seq seen twice: a line copied or forged
  | 'unchained' // an event without chain fields in a chained log: inserted
  | 'malformed' // some chain fields present, others not; or prev_hash inconsistent with chain_seq
  | 'head-mismatch'; // the chain's end differs from an expected head given to readAuditLog

/** A place where a hash chain does not hold, with the line where it shows. */
export interface ChainBreak {
  /** 1-based line where the break shows. */
  line: number;
  kind: ChainBreakKind;
  /** The chain concerned; absent for `unchained` lines. */
  chainId?: string;
  /** For `hash-mismatch`, `out-of-order` and `duplicate`: the other line involved. */
  previousLine?: number;
  reason: string;
}

/** One chain found in a log. */
export interface ChainSummary {
  chainId: string;
  /** Lines of this chain that were read. */
  events: number;
  firstLine: number;
  lastLine: number;
  /** The chain's end as read: highest `chain_seq` and the SHA-256 of that line. */
  head: ChainHead;
  /** The line holding the head (the highest `chain_seq`). */
  headLine: number;
}

/** The result of {@link readAuditLog}. */
export interface AuditLog {
  /** The good lines, in file order. */
  events: AuditLogEntry[];
  /** The bad lines (torn, invalid JSON, wrong shape), in file order. */
  errors: AuditLogProblem[];
  /** Every place a chain does not hold, in line order; empty for an intact or unchained log. */
  chainBreaks: ChainBreak[];
  /** True when some event carries chain fields (a log written by this SDK's sinks). */
  chained: boolean;
  /** The chains found, in order of first appearance. */
  chains: ChainSummary[];
}

/** Options of {@link readAuditLog}. */
export interface ReadAuditLogOptions {
  /**
   * Heads recorded elsewhere by the writers (`sink.head`). A chain whose end read here differs, or
   * that is absent, is reported as `head-mismatch`: this catches lines cut off the end of a chain or
   * forged onto it, which the chain alone cannot show.
   */
  expectedHeads?: readonly ChainHead[];
  /** SHA-256 hex of a string's UTF-8 bytes; default a synchronous JavaScript implementation. */
  hash?: (text: string) => string | Promise<string>;
}

const MAX_ISSUES = 5;

function shapeProblem(issues: readonly v.BaseIssue<unknown>[]): string {
  const parts = issues.slice(0, MAX_ISSUES).map((i) => {
    const path = formatPath(pathKeys(i));
    return path ? `${path}: ${issueMessage(i)}` : issueMessage(i);
  });
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
  return `not an audit event: ${parts.join('; ')}${more}`;
}

interface Linked {
  entry: AuditLogEntry;
  chainId: string;
  seq: number;
  prev: string | null;
}

function ranges(values: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    out.push(i === j ? `${values[i]}` : `${values[i]}–${values[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

async function verifyChain(chainId: string, links: Linked[], hash: (text: string) => string | Promise<string>, breaks: ChainBreak[]): Promise<ChainSummary> {
  const bySeq = new Map<number, Linked>();
  let maxSeq = -1;
  let maxLine = 0;
  for (const link of links) {
    const { line } = link.entry;
    const first = bySeq.get(link.seq);
    if (first) {
      breaks.push({
        line,
        kind: 'duplicate',
        chainId,
        previousLine: first.entry.line,
        reason: `chain_seq ${link.seq} of chain ${chainId} already appeared on line ${first.entry.line}: a copied or forged line`,
      });
      continue;
    }
    if (link.seq < maxSeq) {
      breaks.push({
        line,
        kind: 'out-of-order',
        chainId,
        previousLine: maxLine,
        reason: `chain_seq ${link.seq} comes after chain_seq ${maxSeq} (line ${maxLine}) of chain ${chainId}: lines were moved`,
      });
    } else {
      maxSeq = link.seq;
      maxLine = line;
    }
    bySeq.set(link.seq, link);
    if ((link.seq === 0) !== (link.prev === null)) {
      breaks.push({
        line,
        kind: 'malformed',
        chainId,
        reason: link.seq === 0 ? "chain_seq 0 (a chain's first line) must have prev_hash null" : `prev_hash is null but chain_seq is ${link.seq}`,
      });
    }
  }
  // Gaps: report each run of absent seqs at the line of the first seq after it.
  const missing: number[] = [];
  for (let s = 0; s <= maxSeq; s++) {
    const here = bySeq.get(s);
    if (!here) {
      missing.push(s);
    } else if (missing.length) {
      breaks.push({
        line: here.entry.line,
        kind: 'missing',
        chainId,
        reason: `chain_seq ${ranges(missing)} of chain ${chainId} missing before this line: lines were dropped or are unreadable`,
      });
      missing.length = 0;
    }
  }
  // Links: each line's prev_hash must be the hash of the chain's line with the seq before it.
  const hashes = new Map<number, string>();
  const hashOf = async (seq: number): Promise<string> => {
    let h = hashes.get(seq);
    if (h === undefined) hashes.set(seq, (h = await hash(bySeq.get(seq)!.entry.raw)));
    return h;
  };
  for (const [seq, link] of bySeq) {
    const prev = bySeq.get(seq - 1);
    if (seq === 0 || !prev || link.prev === null) continue;
    if ((await hashOf(seq - 1)) !== link.prev) {
      breaks.push({
        line: link.entry.line,
        kind: 'hash-mismatch',
        chainId,
        previousLine: prev.entry.line,
        reason: `prev_hash does not match the SHA-256 of line ${prev.entry.line} (chain_seq ${seq - 1}): line ${prev.entry.line} was altered, or this line was forged or its prev_hash altered`,
      });
    }
  }
  return {
    chainId,
    events: links.length,
    firstLine: links[0]!.entry.line,
    lastLine: links[links.length - 1]!.entry.line,
    head: { chainId, seq: maxSeq, hash: await hashOf(maxSeq) },
    headLine: maxLine,
  };
}

/**
 * Reads JSONL audit text (the Python package's or this SDK's). Every line that is a valid audit event
 * is returned with its line number and exact text; every other non-blank line is reported with its
 * line number and the reason — a torn last line (a write cut short by a crash), invalid JSON, or the
 * wrong shape (with the field path) — and reading goes on. Never throws on bad content.
 *
 * Chains are verified when events carry chain fields (see {@link AuditChain}): each chain's lines must
 * have `chain_seq` 0, 1, 2, … in file order without gaps or repeats, and each `prev_hash` must be the
 * SHA-256 of the exact text of the chain's previous line. Every break is reported in `chainBreaks`.
 * Logs without chain fields (the Python package's) are valid unchained logs: `chained` is false.
 *
 * @example
 * ```ts
 * const log = await readAuditLog(text)
 * for (const e of log.errors) console.error(`line ${e.line}: ${e.reason}`)
 * for (const b of log.chainBreaks) console.error(`line ${b.line}: ${b.reason}`)
 * for (const { event } of log.events) console.log(event.decision.decision)
 * ```
 */
export async function readAuditLog(text: string, options: ReadAuditLogOptions = {}): Promise<AuditLog> {
  const hash = options.hash ?? sha256HexSync;
  const events: AuditLogEntry[] = [];
  const errors: AuditLogProblem[] = [];
  const pieces = text.split('\n');
  // A file written line by line ends with "\n"; a last piece that is not empty was cut short.
  const tornAt = pieces[pieces.length - 1] === '' ? -1 : pieces.length - 1;
  for (let i = 0; i < pieces.length; i++) {
    let raw = pieces[i]!;
    if (i === 0 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    if (raw.trim() === '') continue;
    const line = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      errors.push({
        line,
        reason: i === tornAt ? `torn last line: no newline at the end of the file and not valid JSON (a write cut short, e.g. by a crash): ${why}` : `invalid JSON: ${why}`,
      });
      continue;
    }
    const result = safeParse(AuditEventSchema, json);
    if (!result.success) {
      errors.push({ line, reason: shapeProblem(result.issues) });
      continue;
    }
    events.push({ line, event: result.output as AuditEvent, raw });
  }

  const chainBreaks: ChainBreak[] = [];
  const byChain = new Map<string, Linked[]>();
  const chained = events.some((e) => e.event.chain_id !== undefined || e.event.chain_seq !== undefined || e.event.prev_hash !== undefined);
  if (chained) {
    for (const entry of events) {
      const { chain_id: chainId, chain_seq: seq, prev_hash: prev } = entry.event;
      if (chainId === undefined && seq === undefined && prev === undefined) {
        chainBreaks.push({ line: entry.line, kind: 'unchained', reason: 'event without chain fields in a chained log: inserted, or written by another writer' });
        continue;
      }
      if (chainId === undefined || seq === undefined || prev === undefined) {
        const absent = [chainId === undefined && 'chain_id', seq === undefined && 'chain_seq', prev === undefined && 'prev_hash'].filter(Boolean);
        chainBreaks.push({ line: entry.line, kind: 'malformed', ...(chainId !== undefined && { chainId }), reason: `incomplete chain fields: ${absent.join(', ')} missing` });
        continue;
      }
      let links = byChain.get(chainId);
      if (!links) byChain.set(chainId, (links = []));
      links.push({ entry, chainId, seq, prev });
    }
  }
  const chains: ChainSummary[] = [];
  for (const [chainId, links] of byChain) chains.push(await verifyChain(chainId, links, hash, chainBreaks));

  for (const expected of options.expectedHeads ?? []) {
    const found = chains.find((c) => c.chainId === expected.chainId);
    if (!found) {
      if (expected.seq >= 0)
        chainBreaks.push({ line: 0, kind: 'head-mismatch', chainId: expected.chainId, reason: `chain ${expected.chainId} is absent; its expected head is chain_seq ${expected.seq}` });
    } else if (found.head.seq !== expected.seq || found.head.hash !== expected.hash) {
      chainBreaks.push({
        line: found.headLine,
        kind: 'head-mismatch',
        chainId: expected.chainId,
        reason: `chain ${expected.chainId} ends at chain_seq ${found.head.seq} (hash ${found.head.hash?.slice(0, 12)}…), expected chain_seq ${expected.seq} (hash ${expected.hash?.slice(0, 12)}…): lines were cut off or forged at its end`,
      });
    }
  }
  chainBreaks.sort((a, b) => a.line - b.line);
  return { events, errors, chainBreaks, chained, chains };
}
