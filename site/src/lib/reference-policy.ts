// The seed README's policy, byte for byte tests/fixtures/conformance/reference-policy.yaml (a test keeps
// them equal). A string module rather than a ?raw import so that Vite, Vitest and Playwright all read it.

/**
 * The seed README's policy.yaml, exactly as a user would save it.
 *
 * @example
 * ```ts
 * const engine = await PolicyEngine.fromYaml(REFERENCE_POLICY_TEXT)
 * ```
 */
export const REFERENCE_POLICY_TEXT: string =
  '# policy.yaml\nversion: "0.1"\ntimezone: "UTC"\n\ndefaults:\n  mode: "enforce"    # or "monitor" (log violations, always ALLOW)\n  decision: "deny"   # fail-closed on evaluation errors\n\nlimits:\n  exposure:\n    max_position_pct: 0.10        # 10% of equity per symbol\n    max_gross_exposure_x: 2.0     # 2x equity total\n    max_net_exposure_x: 1.0       # 1x equity net\n  loss:\n    daily_loss_limit_pct: 0.02    # -2% daily loss triggers deny\n    max_drawdown_pct: 0.05        # -5% drawdown triggers kill switch\n  execution:\n    max_orders_per_minute_global: 20\n    max_orders_per_minute_by_strategy: 10\n  kill_switch:\n    trip_on_rules: ["LOSS-002"]\n    trip_after_n_violations: 3\n    violation_window_seconds: 300\n\noverrides:\n  symbols:\n    AAPL:\n      exposure:\n        max_position_pct: 0.05    # tighter limit for AAPL\n        max_gross_exposure_x: 2.0\n        max_net_exposure_x: 1.0\n  strategies: {}\n';
