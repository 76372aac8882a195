// Editing the order in the intent editor's text ("Use this quantity"). Kept apart from workbench.ts
// so that the playground's first chunk does not load the explanation and the gate (loaded lazily).

/**
 * The intent's JSON text with `side` and `qty` set, the rest of the text (order, spacing) untouched
 * when both keys are found; otherwise the intent is written again with two-space indentation.
 *
 * @example
 * ```ts
 * withOrder('{\n  "side": "buy",\n  "qty": 100\n}', 'buy', 25) // '{\n  "side": "buy",\n  "qty": 25\n}'
 * ```
 */
export function withOrder(intentText: string, side: 'buy' | 'sell', qty: number): string {
  const qtyRe = /("qty"\s*:\s*)(-?[\d.eE+-]+)/;
  const sideRe = /("side"\s*:\s*)"[^"\\]*"/;
  if (qtyRe.test(intentText) && sideRe.test(intentText) && (intentText.match(/"qty"\s*:/g) ?? []).length === 1 && (intentText.match(/"side"\s*:/g) ?? []).length === 1) {
    return intentText.replace(qtyRe, `$1${qty}`).replace(sideRe, `$1"${side}"`);
  }
  const value = JSON.parse(intentText) as Record<string, unknown>;
  return `${JSON.stringify({ ...value, side, qty }, null, 2)}\n`;
}
