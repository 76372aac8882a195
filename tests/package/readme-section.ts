// Reads a `<!-- section:NAME -->` block of the README and the examples in it, so tests can run them.
import { readFileSync } from 'node:fs';

const README = new URL('../../README.md', import.meta.url);

/** The markdown between `<!-- section:NAME -->` and `<!-- /section:NAME -->`. */
export function readmeSection(name: string): string {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`<!-- section:${name} -->`);
  const end = text.indexOf(`<!-- /section:${name} -->`);
  if (start < 0 || end < start) throw new Error(`README.md has no section "${name}"`);
  return text.slice(start, end);
}

/** One fenced code block: its language and text. */
export interface Block {
  lang: string;
  code: string;
}

/** A runnable example: `<!-- readme-test:runtime FILE -->`, the file's block, and the block after it. */
export interface RuntimeExample {
  file: string;
  source: Block;
  /** A `sh` block (`$ command` lines, then the expected output) or a `text` block (what a page shows). */
  expected: Block;
}

const FENCE = /```(\w*)\n([\s\S]*?)```/g;

/** The runtime examples of a section, in order. */
export function runtimeExamples(section: string): RuntimeExample[] {
  return section
    .split('<!-- readme-test:runtime ')
    .slice(1)
    .map((part) => {
      const file = part.slice(0, part.indexOf(' -->'));
      const [source, expected] = [...part.matchAll(FENCE)].slice(0, 2).map((m) => ({ lang: m[1]!, code: m[2]! }));
      if (!source || !expected) throw new Error(`README example ${file}: expected a code block and an output block`);
      return { file, source, expected };
    });
}

/** Splits an `sh` block into its `$ command` and the lines it prints. */
export function commandAndOutput(block: Block): { command: string; output: string } {
  const [first, ...rest] = block.code.trimEnd().split('\n');
  if (!first?.startsWith('$ ')) throw new Error(`expected "$ command" as the first line of: ${block.code}`);
  return { command: first.slice(2), output: rest.join('\n') };
}
