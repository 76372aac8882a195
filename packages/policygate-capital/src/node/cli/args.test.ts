import { describe, expect, it } from 'vitest';
import { formatHelp, parseOptions, UsageError, type OptionSpecs } from './args.js';

const SPECS = {
  policy: { type: 'string', value: 'FILE.yaml', help: 'the policy' },
  intents: { type: 'string', value: 'FILE.jsonl', help: 'orders' },
  tolerance: { type: 'string', value: 'REL', help: 'relative tolerance' },
  pretty: { type: 'boolean', help: 'indent' },
} satisfies OptionSpecs;

const usageError = (argv: string[]) => {
  try {
    parseOptions(argv, SPECS);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseOptions', () => {
  it('reads string options, flags, --name=value and "-" for standard input', () => {
    expect(parseOptions(['--policy', 'p.yaml', '--pretty', '--intents=-'], SPECS)).toEqual({ policy: 'p.yaml', pretty: true, intents: '-' });
    expect(parseOptions(['--intents', '-'], SPECS)).toEqual({ intents: '-' });
    expect(parseOptions(['--tolerance=-1'], SPECS)).toEqual({ tolerance: '-1' });
  });

  it('suggests the option a typo was meant to be', () => {
    expect(usageError(['--polcy', 'p.yaml'])).toBe('unknown option --polcy (did you mean --policy?)');
    expect(usageError(['--frobnicate'])).toBe('unknown option --frobnicate');
    expect(usageError(['-p', 'x'])).toMatch(/^unknown option -p .*two dashes/);
  });

  it('refuses a repeated option instead of silently taking the last', () => {
    expect(usageError(['--policy', 'a.yaml', '--policy', 'b.yaml'])).toBe('--policy was given more than once');
  });

  it('says which option lacks its value, and how to give one that starts with a dash', () => {
    expect(usageError(['--policy'])).toBe('--policy needs a value (FILE.yaml)');
    expect(usageError(['--policy', '--pretty'])).toMatch(/^--policy needs a value \(FILE.yaml\), got --pretty/);
    expect(usageError(['--tolerance', '-1'])).toContain('write --tolerance=-1');
  });

  it('refuses a value for a flag and bare arguments', () => {
    expect(usageError(['--pretty=yes'])).toBe('--pretty is a flag and takes no value');
    expect(usageError(['policy.yaml'])).toMatch(/^unexpected argument "policy.yaml"/);
  });
});

describe('formatHelp', () => {
  it('lists every option with its value placeholder and help', () => {
    const help = formatHelp('cmd --policy FILE.yaml', 'Does things.', SPECS, 'Exit codes: 0.');
    for (const [name, spec] of Object.entries(SPECS)) {
      expect(help).toMatch(new RegExp(`--${name}${'value' in spec ? ` ${spec.value}` : ''} +${spec.help}`));
    }
    expect(help.startsWith('Usage: cmd --policy FILE.yaml\n')).toBe(true);
  });
});
