import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './presets';
import { asScenario } from './scenario';
import { decodeScenario, encodeScenario } from './share';

describe('scenario share links', () => {
  it('round-trips every preset exactly', async () => {
    for (const preset of SCENARIOS) expect(await decodeScenario(await encodeScenario(preset.scenario))).toEqual(preset.scenario);
  });

  it('says what is wrong with a damaged or foreign link', async () => {
    const good = await encodeScenario(SCENARIOS[0]!.scenario);
    await expect(decodeScenario(`2${good.slice(1)}`)).rejects.toThrow(/unknown link format/);
    await expect(decodeScenario('1%%%')).rejects.toThrow(/not base64url/);
    await expect(decodeScenario(good.slice(0, 20))).rejects.toThrow(/damaged/);
  });

  it('refuses a scenario with an unknown field, a bad time or a duplicate order id, naming it', () => {
    const base = structuredClone(SCENARIOS[0]!.scenario) as unknown as Record<string, unknown>;
    expect(() => asScenario({ ...base, extra: 1 })).toThrow("scenario has an unknown field 'extra'");
    const events = [{ kind: 'order', at: '25:00:00', id: 'a', strategy: 's', symbol: 'AAPL', side: 'buy', qty: 1 }];
    expect(() => asScenario({ ...base, events })).toThrow('scenario.events[0].at must be a time of day HH:MM:SS');
    const twice = [
      { kind: 'order', at: '10:00:00', id: 'a', strategy: 's', symbol: 'AAPL', side: 'buy', qty: 1 },
      { kind: 'order', at: '10:00:01', id: 'a', strategy: 's', symbol: 'AAPL', side: 'buy', qty: 1 },
    ];
    expect(() => asScenario({ ...base, events: twice })).toThrow("two orders with the id 'a'");
    expect(() => asScenario({ ...base, events: [{ kind: 'prices', at: '10:00:00', prices: { AAPL: 0 } }] })).toThrow('scenario.events[0].prices.AAPL must be a finite number > 0');
  });
});
