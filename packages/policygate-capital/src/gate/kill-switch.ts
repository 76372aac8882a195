// The gate's kill switch: trips on a decision's kill_switch_triggered, or when
// trip_after_n_violations violations fall within violation_window_seconds; latches until an
// explicit reset, which is recorded.
import type { Decision } from '../engine/types.js';
import { formatTimestampUs } from './time.js';
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

/** Latched kill switch plus the window of recent violations. Internal to the gate. */
export class KillSwitch {
  active = false;
  trippedAt: number | null = null;
  reason: string | null = null;
  readonly history: KillSwitchEvent[] = [];
  /** Recent violations: [time, rule_id]. */
  readonly violations = new TimeWindow();

  constructor(
    private readonly tripOn: ReadonlySet<string>,
    private readonly tripAfter: number,
    private readonly windowUs: number,
  ) {}

  /** Drops violations that are no longer within the window at time `now`. */
  evict(now: number): void {
    this.violations.evict(now - this.windowUs);
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
    if (decision.kill_switch_triggered && !this.active) {
      const rules = violations.filter((v) => this.tripOn.has(v.rule_id)).map((v) => v.rule_id);
      this.trip(now, `${rules.join(', ')} in the decision on intent '${intentId}'`, intentId);
    }
    if (now === null) return; // no clock yet: a violation cannot be placed in a window
    for (const v of violations) if (v.rule_id !== 'KILL-001') this.violations.add(now, v.rule_id);
    this.evict(now);
    const n = this.violations.size;
    if (!this.active && n >= this.tripAfter) {
      this.trip(now, `${n} violations within ${this.windowUs / 1e6} s (trip_after_n_violations ${this.tripAfter})`, intentId);
    }
  }

  /** Trips (latches) the switch. */
  trip(now: number | null, reason: string, intentId: string | null): void {
    this.active = true;
    this.trippedAt = now;
    this.reason = reason;
    this.history.push({ event: 'trip', at: now === null ? null : formatTimestampUs(now), reason, intent_id: intentId });
  }

  /**
   * Resets a tripped switch and records who/why. The violations counted so far are cleared: the
   * reset acknowledges them (otherwise the next violation would trip it again at once). Returns
   * false, recording nothing, when the switch was not tripped.
   */
  reset(now: number | null, reason: string): boolean {
    if (!this.active) return false;
    this.active = false;
    this.trippedAt = null;
    this.reason = null;
    this.violations.clear();
    this.history.push({ event: 'reset', at: now === null ? null : formatTimestampUs(now), reason, intent_id: null });
    return true;
  }

  /** The state as reported and snapshotted (a copy). */
  state(): KillSwitchState {
    return {
      active: this.active,
      tripped_at: this.trippedAt === null ? null : formatTimestampUs(this.trippedAt),
      reason: this.reason,
      history: this.history.map((e) => ({ ...e })),
    };
  }
}
