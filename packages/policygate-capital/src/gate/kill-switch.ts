// The gate's kill switch: trips on a decision's kill_switch_triggered, or when
// trip_after_n_violations violations fall within violation_window_seconds; latches until an
// explicit reset, which is recorded.
import type { Decision } from '../engine/types.js';
import type { Policy } from '../policy/schema.js';
import { formatTimestampUs, parseTimestampUs, SECOND } from './time.js';
import { TimeWindow } from './windows.js';

/**
 * One entry of the kill switch's history: a trip or a reset, with when and why.
 *
 * @example
 * ```ts
 * for (const e of gate.killSwitch.history) console.log(e.event, e.at, e.reason)
 * ```
 */
export interface KillSwitchEvent {
  /** `trip` or `reset`. */
  event: 'trip' | 'reset';
  /** The gate's clock at the event (RFC 3339 UTC), or null before the first check. */
  at: string | null;
  /** Why: the rules or the violation count that tripped it, or the reason given to the reset. */
  reason: string;
  /** The intent whose check tripped the switch (null for resets and count trips before any check). */
  intent_id: string | null;
}

/**
 * The kill switch as a {@link PolicyGate} reports and snapshots it (snake_case, as all wire data).
 *
 * @example
 * ```ts
 * const ks = gate.killSwitch
 * if (ks.active) console.log(`halted since ${ks.tripped_at}: ${ks.reason}`)
 * ```
 */
export interface KillSwitchState {
  /** True while tripped: every order is denied with KILL-001 (in enforce mode). */
  active: boolean;
  /** When it last tripped (RFC 3339 UTC), null when not active. */
  tripped_at: string | null;
  /** Why it last tripped, null when not active. */
  reason: string | null;
  /** Every trip and reset, oldest first. */
  history: KillSwitchEvent[];
}

/** What a kill switch enforces: the policy's `kill_switch` block, with the window in microseconds. */
export interface KillSwitchConfig {
  /** Rules whose violation in a `kill_switch_triggered` decision trips the switch (named in its reason). */
  readonly tripOn: ReadonlySet<string>;
  /** `trip_after_n_violations`. */
  readonly tripAfter: number;
  /** `violation_window_seconds`, in microseconds. */
  readonly windowUs: number;
}

/**
 * The kill switch's configuration from a policy's `limits.kill_switch` and its trip rules.
 *
 * @example
 * ```ts
 * const config = killSwitchConfig(compiled.policy, compiled.tripOn)
 * ```
 */
export function killSwitchConfig(policy: Policy, tripOn: ReadonlySet<string>): KillSwitchConfig {
  const ks = policy.limits.kill_switch;
  return { tripOn, tripAfter: ks.trip_after_n_violations, windowUs: ks.violation_window_seconds * SECOND };
}

/**
 * The latched kill switch plus the window of recent violations. Its state goes out with
 * {@link KillSwitch.state} and {@link KillSwitch.violationEntries} and comes back in with
 * {@link KillSwitch.fromState}; nothing outside writes its fields. Internal to the gate.
 *
 * @example
 * ```ts
 * const ks = new KillSwitch({ tripOn: new Set(['LOSS-002']), tripAfter: 3, windowUs: 300e6 })
 * ks.observe(decision, nowUs, decision.intent_id)
 * const copy = KillSwitch.fromState(config, ks.state(), ks.violationEntries())
 * ```
 */
export class KillSwitch {
  private tripped = false;
  private trippedAt: number | null = null;
  private reason: string | null = null;
  private readonly history: KillSwitchEvent[] = [];
  /** Recent violations: [time, rule_id]. */
  private readonly violations = new TimeWindow();

  constructor(private readonly config: KillSwitchConfig) {}

  /**
   * A switch in a saved state: `state` as {@link KillSwitch.state} reported it (timestamps already
   * validated by the snapshot codec) and the violations still in the window, as [time µs, rule_id].
   */
  static fromState(config: KillSwitchConfig, state: KillSwitchState, violations: readonly (readonly [number, string])[]): KillSwitch {
    const ks = new KillSwitch(config);
    ks.tripped = state.active;
    ks.trippedAt = state.tripped_at === null ? null : parseTimestampUs(state.tripped_at);
    ks.reason = state.reason;
    for (const e of state.history) ks.history.push({ ...e });
    for (const [t, rule] of violations) ks.violations.add(t, rule);
    ks.violations.keepNewest(config.tripAfter); // a snapshot written before the window was bounded
    return ks;
  }

  /** True while tripped. */
  get active(): boolean {
    return this.tripped;
  }

  /** Drops violations that are no longer within the window at time `now`. */
  evict(now: number): void {
    this.violations.evict(now - this.config.windowUs);
  }

  /** The violations in the window (as of the last eviction), oldest first: [time µs, rule_id]. */
  violationEntries(): [number, string][] {
    return this.violations.entries();
  }

  /**
   * Takes in one decision made at time `now` (null: before the first valid timestamp). Its
   * violations join the window — except KILL-001, which is the switch's own consequence, not a new
   * breach — and the switch trips (if not already) on `kill_switch_triggered` or when the window
   * holds `trip_after_n_violations` violations.
   */
  observe(decision: Decision, now: number | null, intentId: string): void {
    const violations = decision.violations;
    if (violations.length === 0 && !decision.kill_switch_triggered) return;
    const { tripOn, tripAfter, windowUs } = this.config;
    if (decision.kill_switch_triggered && !this.tripped) {
      const rules = violations.filter((v) => tripOn.has(v.rule_id)).map((v) => v.rule_id);
      this.trip(now, `${rules.join(', ')} in the decision on intent '${intentId}'`, intentId);
    }
    if (now === null) return; // no clock yet: a violation cannot be placed in a window
    for (const v of violations) if (v.rule_id !== 'KILL-001') this.violations.add(now, v.rule_id);
    this.evict(now);
    const n = this.violations.size;
    if (!this.tripped && n >= tripAfter) {
      this.trip(now, `${n} violations within ${windowUs / 1e6} s (trip_after_n_violations ${tripAfter})`, intentId);
    }
    // Only the newest trip_after_n_violations can decide a trip (the count is compared with it, and
    // they are the last to leave the window): older ones are dropped, so that a stream that piles up
    // violations without the clock moving (a fixed intent timestamp past the throttle) does not make
    // every later check, audit event and snapshot copy a window that grows without bound.
    this.violations.keepNewest(tripAfter);
  }

  /**
   * Resets a tripped switch and records who/why. The violations counted so far are cleared: the
   * reset acknowledges them (otherwise the next violation would trip it again at once). Returns
   * false, recording nothing, when the switch was not tripped.
   */
  reset(now: number | null, reason: string): boolean {
    if (!this.tripped) return false;
    this.tripped = false;
    this.trippedAt = null;
    this.reason = null;
    this.violations.clear();
    this.history.push({ event: 'reset', at: now === null ? null : formatTimestampUs(now), reason, intent_id: null });
    return true;
  }

  /** The state as reported and snapshotted (a copy). */
  state(): KillSwitchState {
    return {
      active: this.tripped,
      tripped_at: this.trippedAt === null ? null : formatTimestampUs(this.trippedAt),
      reason: this.reason,
      history: this.history.map((e) => ({ ...e })),
    };
  }

  /** Trips (latches) the switch. */
  private trip(now: number | null, reason: string, intentId: string | null): void {
    this.tripped = true;
    this.trippedAt = now;
    this.reason = reason;
    this.history.push({ event: 'trip', at: now === null ? null : formatTimestampUs(now), reason, intent_id: intentId });
  }
}
