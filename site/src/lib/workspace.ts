// The playground's workspace: the five texts the user edits. Everything else (decision, errors,
// share link) is derived from these.

/**
 * The five editors, in the order they appear on the page.
 *
 * @example
 * ```ts
 * for (const id of EDITOR_IDS) console.log(id, EDITORS[id].label)
 * ```
 */
export const EDITOR_IDS = ['policy', 'intent', 'portfolio', 'market', 'execution'] as const;

/** One editor's id. */
export type EditorId = (typeof EDITOR_IDS)[number];

/** The whole workspace: the policy as YAML text, the four inputs as JSON text. */
export type Workspace = Record<EditorId, string>;

/**
 * How each editor is labelled, which language it holds, and the file name it has on disk.
 *
 * @example
 * ```ts
 * EDITORS.policy.label // 'Policy (YAML)'
 * ```
 */
export const EDITORS: Record<EditorId, { label: string; language: 'yaml' | 'json'; file: string }> = {
  policy: { label: 'Policy (YAML)', language: 'yaml', file: 'policy.yaml' },
  intent: { label: 'Order intent (JSON)', language: 'json', file: 'intent.json' },
  portfolio: { label: 'Portfolio state (JSON)', language: 'json', file: 'portfolio.json' },
  market: { label: 'Market snapshot (JSON)', language: 'json', file: 'market.json' },
  execution: { label: 'Execution state (JSON)', language: 'json', file: 'execution.json' },
};

/**
 * Checks that an unknown value (for example decoded from a share link) is a workspace: an object
 * with exactly the five editor ids, each a string.
 *
 * @throws {Error} naming the first field that is missing, unknown or not a string.
 * @example
 * ```ts
 * const ws = asWorkspace(JSON.parse(text))
 * ```
 */
export function asWorkspace(value: unknown): Workspace {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('workspace must be an object');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(EDITOR_IDS as readonly string[]).includes(key)) throw new Error(`workspace has an unknown field '${key}'`);
  }
  const out = {} as Workspace;
  for (const id of EDITOR_IDS) {
    const text = Object.hasOwn(record, id) ? record[id] : undefined;
    if (typeof text !== 'string') throw new Error(`workspace.${id} must be a string`);
    out[id] = text;
  }
  return out;
}
