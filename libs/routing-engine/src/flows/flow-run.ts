// One caller's way through a virtual-assistant flow (docs/routing.md#virtual-assistant-flows).
// Pure and deterministic: no I/O, no timers of its own, the host passes `now` with every event and
// carries out the actions returned. Unexpected input (stale timers, late prompt ends, keys nobody
// waits for) is ignored; nothing here throws.
import type { FlowDefinition, FlowNode, SkillRequirement } from '@ccx/routing-model';
import { isOpen } from '../selection';
import type { DisconnectReason, FlowAction, FlowOutcome } from './actions';
import { conditionHolds } from './conditions';

/** Steps through nodes that do not wait before the run is ended as a loop. */
export const MAX_STEPS_WITHOUT_WAITING = 1000;
/** Prompts failing to play in a row before the run gives up. */
export const MAX_PROMPT_FAILURES = 3;

type MenuNode = Extract<FlowNode, { kind: 'menu' }>;
type CollectNode = Extract<FlowNode, { kind: 'collect' }>;

type Waiting =
  | { kind: 'play'; id: string; next: string }
  | { kind: 'menu'; id: string; node: MenuNode; attempt: number; timer?: string }
  | { kind: 'collect'; id: string; node: CollectNode; digits: string; timer?: string };

export interface FlowCall {
  /** The caller's number (From), readable as the variable `caller`. */
  caller: string;
  /** The number called (To), readable as the variable `called`. */
  called: string;
  /** Variables known before the flow starts; passed on with the outcome. */
  variables?: Readonly<Record<string, string>>;
}

export type FlowRunStatus = 'ready' | 'waiting' | 'ended';

export class FlowRun {
  private readonly vars: Record<string, string>;
  private skills: SkillRequirement[] | undefined;
  private priority: number | undefined;
  private waiting: Waiting | undefined;
  private ended = false;
  private started = false;
  private answeredCall = false;
  private finalOutcome: FlowOutcome | undefined;
  /** Prompts asked for and not reported ended yet, oldest first; the last is the current one. */
  private readonly playing: string[] = [];
  private readonly timers = new Set<string>();
  private timerSeq = 0;
  private promptFailures = 0;
  private out: FlowAction[] = [];

  constructor(
    private readonly flow: FlowDefinition,
    private readonly call: FlowCall,
  ) {
    this.vars = { ...call.variables };
  }

  get status(): FlowRunStatus {
    return this.ended ? 'ended' : this.started ? 'waiting' : 'ready';
  }
  /** The node the run waits in (undefined before start and after the end). */
  get nodeId(): string | undefined {
    return this.waiting?.id;
  }
  get outcome(): FlowOutcome | undefined {
    return this.finalOutcome;
  }
  get answered(): boolean {
    return this.answeredCall;
  }
  get variables(): Record<string, string> {
    return { ...this.vars };
  }

  start(now: number): FlowAction[] {
    return this.handle(() => {
      if (this.started) return;
      this.started = true;
      this.enter(this.flow.start, now);
    });
  }

  /** `media.prompt-ended` for this call; ends of earlier, superseded prompts are ignored. */
  onPromptEnded(prompt: string, _reason: string, now: number): FlowAction[] {
    return this.handle(() => {
      if (!this.settle(prompt)) return;
      this.promptFailures = 0;
      this.promptDone(now);
    });
  }

  /** `media.dtmf-detected` on the caller's leg. */
  onDigit(digit: string, now: number): FlowAction[] {
    return this.handle(() => {
      const w = this.waiting;
      if (w?.kind === 'menu') this.menuKey(w, digit, now);
      else if (w?.kind === 'collect') this.collectKey(w, digit, now);
    });
  }

  onTimer(timerId: string, now: number): FlowAction[] {
    return this.handle(() => {
      if (!this.timers.delete(timerId)) return;
      const w = this.waiting;
      if (w?.kind === 'menu' && w.timer === timerId) {
        w.timer = undefined;
        this.menuRetry(w, now);
      } else if (w?.kind === 'collect' && w.timer === timerId) {
        w.timer = undefined;
        this.collectDone(w, now);
      }
    });
  }

  /** A command the host sent for this run was refused: a failed play counts as ended. */
  onCommandFailed(
    command: { kind: 'answer' } | { kind: 'play'; prompt: string },
    now: number,
  ): FlowAction[] {
    return this.handle(() => {
      if (!this.started) return;
      if (command.kind === 'answer') return this.finish(disconnect('answer-failed'));
      if (!this.settle(command.prompt)) return;
      if (++this.promptFailures >= MAX_PROMPT_FAILURES)
        return this.finish(disconnect('prompt-failed'));
      this.promptDone(now);
    });
  }

  /** The caller hung up: stop without an outcome, cancelling what is pending. */
  onHangup(): FlowAction[] {
    return this.handle(() => {
      this.started = true;
      this.stopWaiting();
      this.ended = true;
    });
  }

  private handle(work: () => void): FlowAction[] {
    if (this.ended) return [];
    try {
      work();
    } catch {
      this.out = this.out.filter((a) => a.kind !== 'play');
      this.finish(disconnect('error'));
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Follows nodes from `id` until one waits or ends the run. */
  private enter(id: string, now: number): void {
    let nextId = id;
    for (let steps = 0; steps < MAX_STEPS_WITHOUT_WAITING; steps++) {
      const node = Object.hasOwn(this.flow.nodes, nextId) ? this.flow.nodes[nextId] : undefined;
      if (!node) return this.finish(disconnect('invalid-flow'));
      switch (node.kind) {
        case 'play':
          this.play(node.prompt, false);
          this.waiting = { kind: 'play', id: nextId, next: node.next };
          return;
        case 'menu':
          this.play(node.prompt, true);
          this.waiting = { kind: 'menu', id: nextId, node, attempt: 0 };
          return;
        case 'collect':
          this.play(node.prompt, true);
          this.waiting = { kind: 'collect', id: nextId, node, digits: '' };
          return;
        case 'hours':
          nextId = isOpen(node.hours, now) ? node.open : node.closed;
          break;
        case 'branch':
          nextId =
            node.rules.find((r) => conditionHolds(r.when, this.read(r.when.variable)))?.next ??
            node.otherwise;
          break;
        case 'set':
          if (node.skills) this.skills = node.skills.map((s) => ({ ...s }));
          if (node.priority !== undefined) this.priority = node.priority;
          Object.assign(this.vars, node.variables);
          nextId = node.next;
          break;
        case 'queue':
          return this.finish({
            kind: 'enqueue',
            queueId: node.queueId,
            ...(this.skills ? { skills: this.skills } : {}),
            ...(this.priority !== undefined ? { priority: this.priority } : {}),
            variables: { ...this.vars },
          });
        case 'transfer':
          return this.finish({
            kind: 'transfer',
            target: node.target,
            variables: { ...this.vars },
          });
        case 'disconnect':
          return this.finish({ ...disconnect('flow'), ...promptOf(node) });
        case 'voicemail':
          return this.finish({
            kind: 'voicemail',
            ...promptOf(node),
            maxSeconds: node.maxSeconds,
            variables: { ...this.vars },
          });
      }
    }
    this.finish(disconnect('loop-guard'));
  }

  private read(variable: string): string | undefined {
    if (variable === 'caller') return this.call.caller;
    if (variable === 'called') return this.call.called;
    return Object.hasOwn(this.vars, variable) ? this.vars[variable] : undefined;
  }

  /** Forgets `prompt` (and anything asked for before it); true if it was the current one. */
  private settle(prompt: string): boolean {
    const at = this.playing.indexOf(prompt);
    if (at < 0) return false;
    this.playing.splice(0, at + 1);
    return this.playing.length === 0;
  }

  /** The current prompt finished (or was cut short by a key, or failed to play). */
  private promptDone(now: number): void {
    const w = this.waiting;
    if (w?.kind === 'play') this.enter(w.next, now);
    else if (w?.kind === 'menu' && !w.timer) w.timer = this.timer(w.id, w.node.timeoutSeconds);
    else if (w?.kind === 'collect' && !w.timer) w.timer = this.timer(w.id, w.node.timeoutSeconds);
  }

  private menuKey(w: Extract<Waiting, { kind: 'menu' }>, digit: string, now: number): void {
    this.cancel(w.timer);
    w.timer = undefined;
    const next = Object.hasOwn(w.node.options, digit) ? w.node.options[digit] : undefined;
    if (next !== undefined) this.enter(next, now);
    else this.menuRetry(w, now);
  }

  private menuRetry(w: Extract<Waiting, { kind: 'menu' }>, now: number): void {
    if (w.attempt < w.node.retries) {
      w.attempt += 1;
      this.play(w.node.prompt, true);
    } else if (w.node.fallback !== undefined) this.enter(w.node.fallback, now);
    else this.finish(disconnect('no-input'));
  }

  private collectKey(w: Extract<Waiting, { kind: 'collect' }>, digit: string, now: number): void {
    if (digit === w.node.terminator) return this.collectDone(w, now);
    if (!/^[0-9*#]$/.test(digit)) return;
    w.digits += digit;
    if (w.digits.length >= w.node.maxDigits) return this.collectDone(w, now);
    this.cancel(w.timer);
    w.timer = this.timer(w.id, w.node.timeoutSeconds);
  }

  private collectDone(w: Extract<Waiting, { kind: 'collect' }>, now: number): void {
    this.cancel(w.timer);
    w.timer = undefined;
    this.vars[w.node.variable] = w.digits;
    const enough = w.digits.length >= w.node.minDigits;
    this.enter(enough ? w.node.next : (w.node.noInput ?? w.node.next), now);
  }

  private play(prompt: string, bargeIn: boolean): void {
    if (!this.answeredCall) {
      this.answeredCall = true;
      this.out.push({ kind: 'answer' });
    }
    this.playing.push(prompt);
    this.out.push({ kind: 'play', prompt, bargeIn });
  }

  private timer(nodeId: string, seconds: number): string {
    const id = `${nodeId}#${++this.timerSeq}`;
    this.timers.add(id);
    this.out.push({ kind: 'startTimer', id, ms: seconds * 1000 });
    return id;
  }

  private cancel(timerId: string | undefined): void {
    if (timerId !== undefined && this.timers.delete(timerId))
      this.out.push({ kind: 'cancelTimer', id: timerId });
  }

  private stopWaiting(): void {
    for (const id of [...this.timers]) this.cancel(id);
    this.waiting = undefined;
    this.playing.length = 0;
  }

  private finish(outcome: FlowOutcome): void {
    if (this.ended) return;
    this.stopWaiting();
    const audible =
      outcome.kind === 'voicemail' || (outcome.kind === 'disconnect' && outcome.prompt);
    if (audible && !this.answeredCall) {
      this.answeredCall = true;
      this.out.push({ kind: 'answer' });
    }
    this.ended = true;
    this.finalOutcome = outcome;
    this.out.push(outcome);
  }
}

function disconnect(reason: DisconnectReason): Extract<FlowOutcome, { kind: 'disconnect' }> {
  return { kind: 'disconnect', reason };
}

function promptOf(node: { prompt?: string | undefined }): { prompt?: string } {
  return node.prompt !== undefined ? { prompt: node.prompt } : {};
}
