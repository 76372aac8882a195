// Loading a policy from YAML text, with errors that point at the line and column of the offending
// node. (Plain objects: parse.ts, which does not import the YAML parser.)
import * as v from 'valibot';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { PolicyError, type Issue } from '../errors.js';
import { formatPath, isUnknownKey, issueMessage, pathKeys } from '../model/issues.js';
import { PolicySchema, type Policy } from './schema.js';

export { parsePolicy } from './parse.js';

/** Most alias expansions a policy may make; beyond it the text is refused (billion laughs). */
const MAX_ALIAS_COUNT = 100;

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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((e) => {
        const { line, col } = at(e.pos[0]);
        return { path: '', message: `YAML ${e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'syntax error'}: ${firstLine(e.message)}`, line, column: col };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const alias = firstAliasOffset(doc);
    const { line, col } = at(alias ?? 0);
    throw new PolicyError([
      {
        path: '',
        message: `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes; refused as a possible billion-laughs attack): ${(e as Error).message}`,
        line,
        column: col,
      },
    ]);
  }
  const result = v.safeParse(PolicySchema, value);
  if (result.success) return result.output;
  throw new PolicyError(
    result.issues.map((i): Issue => {
      const keys = pathKeys(i);
      const { line, col } = at(locate(doc, keys, isUnknownKey(i)));
      return { path: formatPath(keys), message: issueMessage(i), line, column: col };
    }),
  );
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
