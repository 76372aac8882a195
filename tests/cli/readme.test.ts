// The docs' command-line page (/docs/cli/): every `$ command` of its console examples is run as written
// (with bash, `npx` resolving the workspace's bins) in a folder holding a copy of examples/, and
// must print exactly what the page shows. Only eval_ms (wall time) is masked on both sides.
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docPage } from '../package/readme-section.js';
import { binPath, EXAMPLES, REPO, runCommand, tempDir } from './cli.js';

interface Step {
  command: string;
  expected: string;
}

/** The console blocks marked `<!-- doc-test:cli -->` on the command-line page, as commands and outputs. */
function readExamples(): Step[][] {
  const page = docPage('cli');
  const blocks = [...page.matchAll(/<!-- doc-test:cli -->\n```console\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.map((block) => {
    const steps: Step[] = [];
    const lines = block.replace(/\n$/, '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('$ ')) {
        let command = line.slice(2);
        while (command.endsWith('\\') && i + 1 < lines.length) command += '\n' + lines[++i];
        steps.push({ command, expected: '' });
      } else {
        const step = steps.at(-1);
        if (!step) throw new Error(`output before any command in a console block of the page: ${line}`);
        step.expected += (step.expected ? '\n' : '') + line;
      }
    }
    return steps;
  });
}

const maskEvalMs = (text: string) => text.replace(/("eval_ms": ?)-?\d+(\.\d+)?(e-?\d+)?/g, '$1<ms>');
const END = '\u0001END-OF-STEP\u0001';

describe("the command-line page's examples (/docs/cli/)", () => {
  const examples = readExamples();
  const tmp = tempDir('cli-readme');
  afterAll(tmp.remove);
  cpSync(EXAMPLES, join(tmp.dir, 'examples'), { recursive: true });
  // As in a project that installed the package: npx finds the bins in ./node_modules/.bin.
  symlinkSync(join(REPO, 'node_modules'), join(tmp.dir, 'node_modules'), 'dir');

  it('has examples that run both bins, each with commands and output', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const commands = examples.flat().map((s) => s.command);
    expect(commands.some((c) => c.includes('npx policygate-eval'))).toBe(true);
    expect(commands.some((c) => c.includes('npx policygate-replay'))).toBe(true);
    for (const steps of examples) expect(steps.some((s) => s.expected !== '')).toBe(true);
  });

  // Blocks run in order in the same folder: the replay example reads the audit log the stream wrote.
  examples.forEach((steps, index) => {
    it(`example ${index + 1} (${steps[0]!.command.split('\n')[0]}) prints what the page shows`, async () => {
      binPath('policygate-eval'); // fails clearly when the package is not built
      // One bash per block, so that `echo $?` sees the previous command's status; every step's output
      // (stdout and stderr, in order, as a terminal shows them) ends with a marker.
      const script = steps.map((s) => `(exit $__status); { ${s.command}\n} 2>&1; __status=$?; printf '\\001END-OF-STEP\\001'`).join('\n');
      const ran = await runCommand('bash', ['-c', `__status=0\n${script}`], {
        cwd: tmp.dir,
        env: { npm_config_yes: 'false', npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      });
      expect(ran.stderr).toBe('');
      const outputs = ran.stdout.split(END).slice(0, steps.length);
      expect(outputs).toHaveLength(steps.length);
      steps.forEach((step, i) => {
        expect(maskEvalMs(outputs[i]!.replace(/\n$/, '')), `$ ${step.command}`).toBe(maskEvalMs(step.expected));
      });
    });
  });
});
