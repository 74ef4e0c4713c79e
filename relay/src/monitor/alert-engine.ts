import { ListenerSet } from '@otedama/shared/util'
// Firing and resolved states with a hold time, for every rule and subject (a rig, an address, the relay).
// A rule reports what it sees each second as observations; the engine turns them into events:
//   firing   when the condition has held for the rule's hold time without a break,
//   resolved when it no longer holds (or the subject is no longer watched).
// `since`, when a rule knows it (a rig's last share), is when the condition began; a later `since`
// is a break (a new share), so a rig that mines again resolves even before it is checked as quiet.

export const ALERT_RULES = [
  'rigOffline',
  'addressOffline',
  'hashrateDrop',
  'rejectRate',
  'staleRate',
  'noPeers',
  'daemonUnhealthy',
  'blockOrphaned',
  'memory'
] as const
export type AlertRule = (typeof ALERT_RULES)[number]
export type AlertSeverity = 'warning' | 'critical'

/** Subjects one rule tracks at most (a flood of rigs cannot grow the alert state without end). */
export const MAX_SUBJECTS_PER_RULE = 10_000

export interface Observation {
  subject: string
  active: boolean
  /** When the condition began (ms), where the rule knows it; else the first evaluation that saw it. */
  since?: number
  value: number
  threshold: number
  unit: string
  message: string
}

export interface ActiveAlert {
  /** `<rule>/<subject>`. */
  key: string
  rule: AlertRule
  subject: string
  severity: AlertSeverity
  conditionSinceMs: number
  firingSinceMs: number
  value: number
  threshold: number
  unit: string
  message: string
}

export interface AlertEvent extends ActiveAlert {
  /** Increasing number of the event (across restarts: continues from the stored log). */
  seq: number
  state: 'firing' | 'resolved'
  atMs: number
}

interface SubjectState {
  pendingSince?: number
  firing?: ActiveAlert
}

export interface RuleSpec {
  rule: AlertRule
  severity: AlertSeverity
  holdMs: number
}

export class AlertEngine {
  private readonly states = new Map<AlertRule, Map<string, SubjectState>>()
  private readonly listeners = new ListenerSet<[event: AlertEvent]>('alert event')
  /** Observations past MAX_SUBJECTS_PER_RULE, ignored (metrics). */
  dropped = 0

  constructor(private seq = 0) {}

  onEvent(listener: (event: AlertEvent) => void): () => void {
    return this.listeners.add(listener)
  }

  /** Alerts that were firing when the relay stopped: firing again until an evaluation says otherwise. */
  restore(alerts: readonly ActiveAlert[]): void {
    for (const a of alerts) this.rule(a.rule).set(a.subject, { pendingSince: a.conditionSinceMs, firing: a })
  }

  firing(): ActiveAlert[] {
    const out: ActiveAlert[] = []
    for (const subjects of this.states.values())
      for (const s of subjects.values()) if (s.firing !== undefined) out.push(s.firing)
    return out.sort((a, b) => a.firingSinceMs - b.firingSinceMs || (a.key < b.key ? -1 : 1))
  }

  /** One rule's observations at `now`; subjects it watched before and no longer reports resolve. */
  evaluate(spec: RuleSpec, observations: readonly Observation[], now: number): void {
    const subjects = this.rule(spec.rule)
    const seen = new Set<string>()
    for (const o of observations) {
      if (!subjects.has(o.subject) && subjects.size >= MAX_SUBJECTS_PER_RULE) {
        this.dropped++
        continue
      }
      seen.add(o.subject)
      const state = subjects.get(o.subject) ?? {}
      subjects.set(o.subject, state)
      if (!o.active) {
        if (state.firing !== undefined)
          this.emit('resolved', { ...state.firing, value: o.value, message: o.message }, now)
        subjects.delete(o.subject)
        continue
      }
      const since = o.since ?? state.pendingSince ?? now
      if (state.firing !== undefined && o.since !== undefined && o.since > state.firing.conditionSinceMs) {
        // The condition broke and began again (a rig mined, then went quiet): the old alert resolves.
        this.emit('resolved', { ...state.firing, value: o.value, message: o.message }, now)
        state.firing = undefined
      }
      state.pendingSince = since
      if (state.firing !== undefined) {
        state.firing = { ...state.firing, value: o.value, message: o.message }
        continue
      }
      if (now - since < spec.holdMs) continue
      state.firing = {
        key: `${spec.rule}/${o.subject}`,
        rule: spec.rule,
        subject: o.subject,
        severity: spec.severity,
        conditionSinceMs: since,
        firingSinceMs: now,
        value: o.value,
        threshold: o.threshold,
        unit: o.unit,
        message: o.message
      }
      this.emit('firing', state.firing, now)
    }
    for (const [subject, state] of subjects) {
      if (seen.has(subject)) continue
      if (state.firing !== undefined)
        this.emit('resolved', { ...state.firing, message: `${state.firing.message} (no longer watched)` }, now)
      subjects.delete(subject)
    }
  }

  /** A rule switched off: its firing alerts resolve. */
  clear(rule: AlertRule, now: number): void {
    this.evaluate({ rule, severity: 'warning', holdMs: 0 }, [], now)
  }

  private rule(rule: AlertRule): Map<string, SubjectState> {
    let subjects = this.states.get(rule)
    if (subjects === undefined) this.states.set(rule, (subjects = new Map()))
    return subjects
  }

  private emit(state: 'firing' | 'resolved', alert: ActiveAlert, now: number): void {
    const event: AlertEvent = { ...alert, seq: ++this.seq, state, atMs: now }
    this.listeners.emit(event)
  }
}
