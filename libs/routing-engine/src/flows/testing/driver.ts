// Drives a FlowRun the way the routing app and the media worker would, on a clock the test moves:
// one prompt plays at a time (a new one stops the old, a key stops a barge-in one), each ending
// with one prompt-ended event; timers fire when the clock passes them.
import { flowDefinition, type FlowDefinition } from '@ccx/routing-model';
import { isOutcome, type FlowAction, type FlowOutcome } from '../actions';
import { FlowRun, type FlowCall } from '../flow-run';

/** 2026-06-01T10:00:00Z, a Monday. */
export const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);

export function parseFlow(start: string, nodes: Record<string, unknown>): FlowDefinition {
  return flowDefinition.parse({ start, nodes });
}

export class FlowDriver {
  readonly run: FlowRun;
  now: number;
  /** Every action the run returned, in order. */
  readonly actions: FlowAction[] = [];
  private readonly due = new Map<string, number>();
  private playing: { prompt: string; bargeIn: boolean } | undefined;
  private readonly events: (() => FlowAction[])[] = [];

  constructor(
    flow: FlowDefinition,
    call: FlowCall = { caller: '+4930123456', called: '+4940999000' },
    now = T0,
  ) {
    this.run = new FlowRun(flow, call);
    this.now = now;
  }

  start(): this {
    return this.deliver(() => this.run.start(this.now));
  }

  /** The prompt playing now plays to its end. */
  endPrompt(): this {
    const p = this.playing;
    if (!p) throw new Error('no prompt is playing');
    this.playing = undefined;
    return this.deliver(() => this.run.onPromptEnded(p.prompt, 'completed', this.now));
  }

  /** The caller presses keys, one after another, at the current time. */
  press(keys: string): this {
    for (const key of keys) {
      // The media worker stops a barge-in prompt on the key, then reports the key and the end.
      const p = this.playing;
      if (p?.bargeIn) this.playing = undefined;
      this.deliver(() => this.run.onDigit(key, this.now));
      if (p?.bargeIn) this.deliver(() => this.run.onPromptEnded(p.prompt, 'barge-in', this.now));
    }
    return this;
  }

  /** Moves the clock, firing the timers that fall due on the way. */
  elapse(seconds: number): this {
    const until = this.now + seconds * 1000;
    for (;;) {
      const next = [...this.due].sort((a, b) => a[1] - b[1])[0];
      if (!next || next[1] > until) break;
      this.due.delete(next[0]);
      this.now = next[1];
      this.deliver(() => this.run.onTimer(next[0], this.now));
    }
    this.now = until;
    return this;
  }

  get outcome(): FlowOutcome | undefined {
    return this.actions.find(isOutcome);
  }

  /** Prompts asked for so far, in order. */
  get plays(): string[] {
    return this.actions.flatMap((a) => (a.kind === 'play' ? [a.prompt] : []));
  }

  get pendingTimers(): number {
    return this.due.size;
  }

  private deliver(event: () => FlowAction[]): this {
    this.events.push(event);
    if (this.events.length > 1) return this;
    while (this.events.length > 0) {
      for (const action of this.events[0]!()) this.apply(action);
      this.events.shift();
    }
    return this;
  }

  private apply(action: FlowAction): void {
    this.actions.push(action);
    if (action.kind === 'startTimer') this.due.set(action.id, this.now + action.ms);
    if (action.kind === 'cancelTimer') this.due.delete(action.id);
    if (action.kind === 'play') {
      const old = this.playing;
      this.playing = { prompt: action.prompt, bargeIn: action.bargeIn };
      if (old) this.events.push(() => this.run.onPromptEnded(old.prompt, 'stopped', this.now));
    }
  }
}
