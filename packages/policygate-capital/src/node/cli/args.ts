// Command-line arguments: node:util parseArgs in strict mode, with messages a person can act on
// (parseArgs' own messages explain JavaScript, not our options) and refusal of repeated options,
// which parseArgs would silently resolve to the last one.
import { parseArgs } from 'node:util';

/**
 * A wrong command line: exit code 2 and a hint to run --help.
 *
 * @example
 * ```ts
 * if (opts.policy === undefined) throw new UsageError('missing --policy')
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a command: a string value or a flag, with its help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in help, e.g. `FILE.yaml`. */
  value?: string;
  help: string;
  /** A string option that may be given several times (its value is then an array, in order). */
  multiple?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed options: strings for string options, booleans for flags; absent options are missing. */
export type ParsedOptions<S extends OptionSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'string' ? (S[K] extends { multiple: true } ? string[] : string) : boolean;
};

/**
 * Parses `argv` (without the node and script paths) against `specs`.
 *
 * @throws {UsageError} for an unknown option (with a suggestion), a missing value, a value given to
 *   a flag, a repeated option (unless its spec says `multiple`) or a positional argument.
 * @example
 * ```ts
 * const opts = parseOptions(['--policy', 'p.yaml'], { policy: { type: 'string', help: '…' } })
 * ```
 */
export function parseOptions<S extends OptionSpecs>(argv: readonly string[], specs: S): ParsedOptions<S> {
  const names = Object.keys(specs);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    // The next argument is this option's value (parseArgs judges whether it looks like one).
    if (specs[arg.slice(2)]?.type === 'string') i++;
    // parseArgs would read `-abc` as three short flags; we have no short options, so say so plainly.
    else if (/^-[^-]/.test(arg)) {
      throw new UsageError(`unknown option ${arg}${suggest(arg, names)} (options are spelled with two dashes, e.g. --help)`);
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(names.map((n) => [n, { type: specs[n]!.type, multiple: specs[n]!.multiple === true }])),
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (e) {
    throw new UsageError(describeParseError(e as Error & { code?: string }, argv, specs));
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || specs[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} was given more than once`);
    seen.add(token.name);
  }
  return parsed.values as ParsedOptions<S>;
}

function describeParseError(e: Error & { code?: string }, argv: readonly string[], specs: OptionSpecs): string {
  const names = Object.keys(specs);
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = quoted.split('=')[0]!;
      return `unknown option ${option}${suggest(option, names)}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = /--([\w-]+)/.exec(e.message)?.[1] ?? '';
      const spec = specs[name];
      if (spec?.type === 'boolean') return `--${name} is a flag and takes no value`;
      const given = argv[argv.indexOf(`--${name}`) + 1];
      if (given?.startsWith('-')) {
        return `--${name} needs a value${spec?.value ? ` (${spec.value})` : ''}, got ${given}; to give a value that starts with '-', write --${name}=${given}`;
      }
      return `--${name} needs a value${spec?.value ? ` (${spec.value})` : ''}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}: every input is given with an option, e.g. --policy FILE.yaml`;
    default:
      return e.message;
  }
}

// " (did you mean --policy?)" for a close misspelling.
function suggest(option: string, names: readonly string[]): string {
  const given = option.replace(/^-+/, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = distance(given, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? ` (did you mean --${best}?)` : '';
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Help text: a usage line, a description and one line per option.
 *
 * @example
 * ```ts
 * console.log(formatHelp('policygate-eval', 'Evaluates one order.', specs, 'policygate-eval --policy FILE.yaml …'))
 * ```
 */
export function formatHelp(usage: string, description: string, specs: OptionSpecs, footer: string): string {
  const rows = Object.entries(specs).map(([name, spec]) => [`--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.help] as const);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [`Usage: ${usage}`, '', description, '', 'Options:', ...rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`), '', footer, ''].join('\n');
}
