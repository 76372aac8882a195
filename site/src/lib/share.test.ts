import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchPreset, PRESETS } from './presets';
import { decodeScenario } from './sim/share';
import { decodeShared, decodeWorkspace, encodeShared, encodeWorkspace, MAX_SHARED_BYTES, sharedFromHash } from './share';
import type { Workspace } from './workspace';

async function deflate(text: string): Promise<string> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return (
    '1' +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  );
}

describe('share links', () => {
  it('round-trip every preset, and compress it', async () => {
    for (const p of PRESETS) {
      const encoded = await encodeWorkspace(p.workspace);
      expect(encoded).toMatch(/^1[A-Za-z0-9_-]+$/);
      expect(encoded.length).toBeLessThan(JSON.stringify(p.workspace).length);
      expect(await decodeWorkspace(encoded)).toEqual(p.workspace);
    }
  });

  it('bring back a preset as that preset, the v0.2 ones included, in a link short enough to paste anywhere', async () => {
    const v02 = PRESETS.filter((p) => p.group === '0.2');
    expect(v02.length).toBe(10);
    for (const p of PRESETS) {
      const encoded = await encodeWorkspace(p.workspace);
      expect(encoded.length, p.id).toBeLessThan(2000);
      expect(matchPreset(await decodeWorkspace(encoded))?.id).toBe(p.id);
    }
    // One edited character and the link is the user's own workspace, no longer the preset.
    const edited = { ...v02[0]!.workspace, intent: v02[0]!.workspace.intent.replace('"qty": 10000', '"qty": 1000') };
    expect(edited.intent).not.toBe(v02[0]!.workspace.intent);
    expect(matchPreset(await decodeWorkspace(await encodeWorkspace(edited)))).toBeUndefined();
  });

  it('round-trip any text, including non-ASCII and astral characters', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 200 });
    await fc.assert(
      fc.asyncProperty(fc.record({ policy: text, intent: text, portfolio: text, market: text, execution: text }), async (ws: Workspace) => {
        expect(await decodeWorkspace(await encodeWorkspace(ws))).toEqual(ws);
      }),
      { numRuns: 100 },
    );
  });

  it('are read from the URL fragment', () => {
    expect(sharedFromHash('#w=1abc_-')).toBe('1abc_-');
    expect(sharedFromHash('#preset=x')).toBeUndefined();
    expect(sharedFromHash('')).toBeUndefined();
  });

  it('refuse damaged or hostile links with a reason', async () => {
    const good = await encodeWorkspace(PRESETS[0]!.workspace);
    await expect(decodeWorkspace('2' + good.slice(1))).rejects.toThrow(/unknown link format/);
    await expect(decodeWorkspace(good + '!')).rejects.toThrow(/not base64url/);
    await expect(decodeWorkspace(good.slice(0, good.length >> 1))).rejects.toThrow(/damaged/);
    await expect(decodeWorkspace(await deflate('not json'))).rejects.toThrow(/not a workspace/);
    await expect(decodeWorkspace(await deflate('{"policy":"x"}'))).rejects.toThrow(/workspace\.intent must be a string/);
    const extra = { ...PRESETS[0]!.workspace, script: 'x' };
    await expect(decodeWorkspace(await deflate(JSON.stringify(extra)))).rejects.toThrow(/unknown field 'script'/);
  });

  it('refuse a link that inflates beyond the size limit (a zip bomb)', async () => {
    const bomb = await deflate(JSON.stringify({ ...PRESETS[0]!.workspace, policy: 'a'.repeat(MAX_SHARED_BYTES + 1) }));
    expect(bomb.length).toBeLessThan(5000);
    await expect(decodeWorkspace(bomb)).rejects.toThrow(/larger than/);
  });

  it('are one encoding for the workspace and the scenario (the example of encodeShared holds)', async () => {
    expect(await encodeShared({ a: 1 })).toBe('1q1ZKVLIyrAUA');
    expect(await decodeShared('1q1ZKVLIyrAUA', 'value')).toEqual({ a: 1 });
    const bomb = await deflate(JSON.stringify({ name: 'a'.repeat(MAX_SHARED_BYTES + 1) }));
    await expect(decodeScenario(bomb)).rejects.toThrow(/the shared scenario is larger than 1000000 bytes/);
    await expect(decodeScenario(await deflate('not json'))).rejects.toThrow(/not a scenario/);
  });
});
