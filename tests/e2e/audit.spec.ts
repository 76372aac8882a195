// The audit log downloaded from the page replays with the CLI: real download, real file, real
// `policygate-replay` process from the built package.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { findPreset, PRESETS, V02_POLICY } from '../../site/src/lib/presets';
import { editLine, expectDecision, openPlayground, screenshot, sha256 } from './helpers';

const REPLAY = fileURLToPath(new URL('../../packages/policygate-capital/dist/bin/policygate-replay.js', import.meta.url));

function replay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [REPLAY, ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

async function save(page: Page, buttonName: RegExp, dir: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

test('the downloaded audit log replays with policygate-replay', async ({ page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'pgc-e2e-audit-'));
  try {
    await openPlayground(page);
    const appended: { decision: string; intentId: string }[] = [];
    // Presets under the same (seed) policy, and one edited order.
    for (const id of ['small-buy', 'position-cap', 'gross-breach', 'drawdown', 'missing-price', 'de-risking-sell']) {
      const preset = findPreset(id)!;
      await page.locator(`button[data-preset="${id}"]`).click();
      await expectDecision(page, { ...preset.expect, intentId: `order-${id}` });
      await page.getByTestId('audit-append').click();
      appended.push({ decision: preset.expect.decision, intentId: `order-${id}` });
      await expect(page.getByTestId('audit-entries').locator('li')).toHaveCount(appended.length);
    }
    await page.locator('button[data-preset="small-buy"]').click();
    await expectDecision(page, { ...findPreset('small-buy')!.expect, intentId: 'order-small-buy' });
    await editLine(page, 'intent', '"qty": 10', '"qty": 60,');
    await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25 });
    await page.getByTestId('audit-append').click();
    appended.push({ decision: 'MODIFY', intentId: 'order-small-buy' });
    await expect(page.getByTestId('audit-entries').locator('li')).toHaveCount(appended.length);

    await page.getByTestId('audit-verify').click();
    await expect(page.getByTestId('audit-status')).toHaveText(`Replayed in this page: all ${appended.length} events give the same decision under the policy they were recorded with.`);
    await screenshot(page, testInfo, 'audit-log', true);

    const logPath = await save(page, /Download policygate-audit\.jsonl/, dir);
    const policyPath = await save(page, /Download policy\.yaml/, dir);
    expect(policyPath.endsWith('policy.yaml')).toBe(true);
    expect(readFileSync(policyPath, 'utf8')).toBe(findPreset('small-buy')!.workspace.policy);

    const events = readFileSync(logPath, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => ({ decision: e.decision.decision, intentId: e.intent.intent_id }))).toEqual(appended);
    for (const e of events) expect(e.policy_hash).toBe(sha256(readFileSync(policyPath, 'utf8')));

    const ok = await replay(['--policy', policyPath, '--audit-log', logPath]);
    await testInfo.attach('policygate-replay output', { body: ok.stdout + ok.stderr, contentType: 'text/plain' });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`matched:\\s+${appended.length}\\n`));
    expect(ok.stdout).toMatch(/chain breaks:\s+0/);
    expect(ok.stdout).toContain(`OK, all ${appended.length} events replay to the recorded decisions`);

    // And the replay is not vacuous: the same log under another policy is reported, with exit 1.
    const other = join(dir, 'other.yaml');
    writeFileSync(other, readFileSync(policyPath, 'utf8').replace('max_position_pct: 0.05', 'max_position_pct: 0.06'));
    const bad = await replay(['--policy', other, '--audit-log', logPath]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`policy-hash mismatches:\\s+${appended.length}\\n`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the audit log of the v0.2 presets replays with policygate-replay', async ({ page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'pgc-e2e-audit-v02-'));
  try {
    await openPlayground(page, '#preset=fat-finger');
    const ids = PRESETS.filter((p) => p.group === '0.2').map((p) => p.id);
    expect(ids).toHaveLength(10);
    for (const [k, id] of ids.entries()) {
      const preset = findPreset(id)!;
      await page.locator(`button[data-preset="${id}"]`).click();
      await expectDecision(page, { ...preset.expect, intentId: `order-${id}` });
      await page.getByTestId('audit-append').click();
      await expect(page.getByTestId('audit-entries').locator('li')).toHaveCount(k + 1);
    }
    await page.getByTestId('audit-verify').click();
    await expect(page.getByTestId('audit-status')).toHaveText(`Replayed in this page: all ${ids.length} events give the same decision under the policy they were recorded with.`);

    const logPath = await save(page, /Download policygate-audit\.jsonl/, dir);
    const policyPath = await save(page, /Download policy\.yaml/, dir);
    expect(readFileSync(policyPath, 'utf8')).toBe(V02_POLICY);
    const events = readFileSync(logPath, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.decision.decision)).toEqual(ids.map((id) => findPreset(id)!.expect.decision));
    // The duplicate preset's recent order and the stale quote's market timestamp are in the events as evaluated.
    expect(events[ids.indexOf('duplicate-order')].execution_state.recent_orders).toHaveLength(1);
    expect(events[ids.indexOf('stale-quote')].market_snapshot.timestamp).toBe('2026-02-18T14:29:50Z');

    const ok = await replay(['--policy', policyPath, '--audit-log', logPath]);
    await testInfo.attach('policygate-replay output (v0.2)', { body: ok.stdout + ok.stderr, contentType: 'text/plain' });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`OK, all ${ids.length} events replay to the recorded decisions`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
