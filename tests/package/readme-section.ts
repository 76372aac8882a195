// Reads the documentation pages (site/src/content/docs/docs/NAME.md) and the examples marked in them
// (`<!-- doc-test:KIND ... -->` before a code block), so that tests run every example the site shows.
import { readFileSync } from 'node:fs';

const DOCS = new URL('../../site/src/content/docs/docs/', import.meta.url);

/** The markdown of the docs page served at /docs/NAME/. */
export function docPage(name: string): string {
  return readFileSync(new URL(`${name}.md`, DOCS), 'utf8');
}

/** One fenced code block: its language and text. */
export interface Block {
  lang: string;
  code: string;
}

const FENCE = /```(\w*)\n([\s\S]*?)```/g;

/** The first `count` code blocks after the `<!-- doc-test:MARKER -->` comment of a page. */
export function markedBlocks(page: string, marker: string, count = 2): Block[] {
  const at = page.indexOf(`<!-- doc-test:${marker} -->`);
  if (at < 0) throw new Error(`no <!-- doc-test:${marker} --> on the page`);
  return [...page.slice(at).matchAll(FENCE)].slice(0, count).map((m) => ({ lang: m[1]!, code: m[2]! }));
}

/** A runnable example: `<!-- doc-test:runtime FILE -->`, the file's block, and the block after it. */
export interface RuntimeExample {
  file: string;
  source: Block;
  /** A `sh` block (`$ command` lines, then the expected output) or a `text` block (what a page shows). */
  expected: Block;
}

/** The runtime examples of a page, in order. */
export function runtimeExamples(page: string): RuntimeExample[] {
  return page
    .split('<!-- doc-test:runtime ')
    .slice(1)
    .map((part) => {
      const file = part.slice(0, part.indexOf(' -->'));
      const [source, expected] = [...part.matchAll(FENCE)].slice(0, 2).map((m) => ({ lang: m[1]!, code: m[2]! }));
      if (!source || !expected) throw new Error(`docs example ${file}: expected a code block and an output block`);
      return { file, source, expected };
    });
}

/** Splits an `sh` block into its `$ command` and the lines it prints. */
export function commandAndOutput(block: Block): { command: string; output: string } {
  const [first, ...rest] = block.code.trimEnd().split('\n');
  if (!first?.startsWith('$ ')) throw new Error(`expected "$ command" as the first line of: ${block.code}`);
  return { command: first.slice(2), output: rest.join('\n') };
}
