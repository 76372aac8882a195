// Where a key is written in a policy's YAML text: the text is parsed again (the yaml package keeps
// each node's source range) and a path of keys is walked down to its key node.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { lineColumns } from '../util/text-position.js';

/** A key's place in the text; `written` false when only an enclosing key is found. */
export interface KeyPosition {
  written: boolean;
  line: number | null;
  column: number | null;
}

/**
 * The positions of keys in one policy text. Parsed with the options `parsePolicyYaml` uses (YAML
 * 1.2), so a path means the same node the policy was read from. Internal.
 */
export class PolicySource {
  readonly text: string;
  readonly #doc: Document;

  constructor(text: string) {
    this.text = text;
    this.#doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, version: '1.2' });
  }

  /**
   * The position of the key at `keys` (of a list item for a number), or of the deepest enclosing
   * key that is written when it is not (a default, an unchecked limit).
   */
  position(keys: readonly (string | number)[]): KeyPosition {
    let node: unknown = this.#doc.contents;
    let offset: number | null = null;
    for (const key of keys) {
      let next: { node: unknown; offset: number | undefined } | undefined;
      if (isMap(node)) {
        // The last pair with the key (parsePolicyYaml refuses duplicate keys, so there is one).
        for (let i = node.items.length - 1; i >= 0 && next === undefined; i--) {
          const pair = node.items[i]!;
          if (isScalar(pair.key) && String(pair.key.value) === String(key)) next = { node: pair.value, offset: pair.key.range?.[0] };
        }
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key] as Node | undefined;
        if (item) next = { node: item, offset: item.range?.[0] };
      }
      if (next === undefined || next.offset === undefined) return this.#at(offset, false);
      node = next.node;
      offset = next.offset;
    }
    return this.#at(offset, true);
  }

  #at(offset: number | null, written: boolean): KeyPosition {
    if (offset === null) return { written, line: null, column: null };
    const { line, column } = lineColumns(this.text, [offset])[0]!;
    return { written, line, column };
  }
}
