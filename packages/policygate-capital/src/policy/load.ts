// Loading a policy from YAML text, with errors that point at the line and column of the offending
// node. (Plain objects: parse.ts, which does not import the YAML parser.)
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { PolicyError, type Issue } from '../errors.js';
import { formatPath, isUnknownKey, issueMessage, pathKeys } from '../model/issues.js';
import { PolicySchema, type Policy } from './schema.js';
import { lineColumns } from '../util/text-position.js';
import { safeParse } from '../util/safe-parse.js';

export { parsePolicy } from './parse.js';

/** Most alias expansions a policy may make; beyond it the text is refused (billion laughs). */
const MAX_ALIAS_COUNT = 100;

/**
 * Longest policy text accepted, in UTF-16 code units (bytes, for the ASCII policies are written in).
 * A policy is a few kilobytes; 1 MiB holds thousands of overrides. A longer text is a mistake or an
 * attack (a 50 MB file took the YAML parser tens of seconds to hours): refused at once.
 */
const MAX_POLICY_CHARS = 1 << 20;

/** Index of the first UTF-16 surrogate without its partner (not Unicode, no UTF-8 form), or -1. */
function loneSurrogate(text: string): number {
  // A loop, not a regex: lookbehind is missing from older Safari, where it would break the module.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

/**
 * Parses and validates a policy from YAML text (YAML 1.2). Syntax errors, duplicate keys, alias
 * bombs and schema problems are reported with the line and column of the offending node.
 *
 * @throws {PolicyError} with one issue per problem.
 * @example
 * ```ts
 * const policy = parsePolicyYaml(await readFile('policy.yaml', 'utf8'))
 * ```
 */
export function parsePolicyYaml(text: string): Policy {
  if (typeof text !== 'string') throw new PolicyError([{ path: '', message: 'policy text must be a string' }]);
  if (text.length > MAX_POLICY_CHARS) {
    throw new PolicyError([{ path: '', message: `policy text is too long: ${text.length} characters, the limit is ${MAX_POLICY_CHARS} (1 MiB); a policy is a few kilobytes`, line: 1, column: 1 }]);
  }
  // The policy hash is SHA-256 of the text's UTF-8 bytes; a lone surrogate has no UTF-8 form (it
  // would be hashed as U+FFFD, so two different policies would share a hash).
  const lone = loneSurrogate(text);
  if (lone !== -1) {
    throw new PolicyError([{ path: '', message: 'policy text is not valid Unicode: a lone UTF-16 surrogate (cannot be saved as UTF-8)', ...lineColumns(text, [lone])[0]! }]);
  }
  // uniqueKeys: false — the yaml package compares each key with every earlier one (quadratic: a
  // 1 MB map of short keys took minutes); duplicateKeys() below does it with a Set.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, version: '1.2' });
  // Line and column as the JSON reader counts them (code points), the same in every Issue.
  const at = (offset: number) => lineColumns(text, [offset])[0]!;
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((e) => {
        return { path: '', message: `YAML ${e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'syntax error'}: ${firstLine(e.message)}`, ...at(e.pos[0]) };
      }),
    );
  }
  const duplicates = duplicateKeys(doc);
  if (duplicates.length > 0) {
    throw new PolicyError(
      duplicates.map(({ key, offset }) => {
        return { path: '', message: `YAML duplicate key: Map keys must be unique (${JSON.stringify(key)} appears twice)`, ...at(offset) };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new PolicyError([
      {
        path: '',
        message: `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes; refused as a possible billion-laughs attack): ${(e as Error).message}`,
        ...at(firstAliasOffset(doc) ?? 0),
      },
    ]);
  }
  const result = safeParse(PolicySchema, value);
  if (result.success) return result.output;
  const located = result.issues.map((i) => ({ issue: i, keys: pathKeys(i), offset: 0 }));
  for (const l of located) l.offset = locate(doc, l.keys, isUnknownKey(l.issue));
  const positions = lineColumns(
    text,
    located.map((l) => l.offset),
  );
  throw new PolicyError(located.map(({ issue, keys }, k): Issue => ({ path: formatPath(keys), message: issueMessage(issue), ...positions[k]! })));
}

// Keys given twice in one mapping, in linear time. Keys are compared as the JavaScript object will
// hold them (`1` and "1" are one key there), which also catches what the yaml package would not.
function duplicateKeys(doc: Document): { key: string; offset: number }[] {
  const found: { key: string; offset: number }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) found.push({ key, offset: pair.key.range?.[0] ?? 0 });
        else seen.add(key);
      }
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function firstAliasOffset(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node.range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

// The offset of the node a schema issue is about: the value at `keys`, or the key itself for an
// unknown field, or the deepest existing ancestor for a missing one.
function locate(doc: Document, keys: readonly (string | number)[], unknownKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const last = k === keys.length - 1;
      if (last && unknownKey) {
        offset = (pair.key as Node).range?.[0] ?? offset;
        break;
      }
      node = pair.value;
      offset = (node as Node | null)?.range?.[0] ?? (pair.key as Node).range?.[0] ?? offset;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}
