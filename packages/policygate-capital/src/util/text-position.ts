// Line and column of offsets in a text, as a person counts them. Shared by the JSON and YAML readers
// so that every `Issue` in the SDK counts columns the same way.

/**
 * 1-based line and column of each offset, in one pass over the text. Lines end at `\n` (a `\r`
 * before it is the line's last column); columns count code points, so they match what a person
 * counts (an emoji is one column).
 */
export function lineColumns(text: string, offsets: readonly number[]): { line: number; column: number }[] {
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!);
  const out: { line: number; column: number }[] = new Array(offsets.length);
  let line = 1;
  let column = 1;
  let at = 0; // text before `at` is counted; `newline` is the first '\n' at or after it
  let newline = text.indexOf('\n');
  for (const k of order) {
    const end = Math.min(offsets[k]!, text.length);
    while (newline !== -1 && newline < end) {
      line++;
      column = 1;
      at = newline + 1;
      newline = text.indexOf('\n', at);
    }
    for (; at < end; at++) {
      const c = text.charCodeAt(at);
      // The second half of a surrogate pair does not start a new column.
      if (!(c >= 0xdc00 && c <= 0xdfff && at > 0 && isHighSurrogate(text.charCodeAt(at - 1)))) column++;
    }
    out[k] = { line, column };
  }
  return out;
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
