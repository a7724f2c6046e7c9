// Carries out virtual-assistant flows for the routing service. Any replica may get a call's next
// DTMF digit, prompt end or timer, so a run's state is not kept in memory: the inputs it has
// seen are logged in Redis, and each new input replays them through the (deterministic)
// interpreter under a per-interaction lock, then applies the new one and acts on what it asks.
import type { FlowDefinition, FlowTransferTarget, QueueConfig } from '@ccx/routing-model';
import type { CallTarget } from '@ccx/contracts';
import type { FlowAction, FlowOutcome } from '../flows/actions';
import { FlowRun } from '../flows/flow-run';
import { sbcOptions, type RuntimeDeps } from './deps';
import type { InteractionRecord } from './interaction-store';
import type { FlowRunner, Router } from './router';
import { withLock } from './timers';

type Input =
  | { k: 'start'; t: number }
  | { k: 'prompt'; p: string; r: string; t: number }
  | { k: 'digit'; d: string; t: number }
  | { k: 'timer'; id: string; t: number }
  | ({ k: 'failed'; c: 'answer' } & { t: number })
  | { k: 'failed'; c: 'play'; p: string; t: number };

const OVERFLOW = 'overflow:';
/** Host timers (not the interpreter's): hang up or record after a final prompt. */
const HANGUP = '#hangup';
const RECORD = '#record:';
const STOP = '#stop';

/** A one-step flow for an overflow action with a prompt (or one the queue cannot do itself). */
export function overflowFlow(queue: QueueConfig): FlowDefinition {
  const o = queue.overflow;
  const target: Record<string, FlowDefinition['nodes'][string]> = {};
  if (o.kind === 'queue' && o.target) target['end'] = { kind: 'queue', queueId: o.target };
  else if (o.kind === 'number' && o.target)
    target['end'] = { kind: 'transfer', target: { kind: 'number', number: o.target } };
  else if (o.kind === 'teams-user' && o.target)
    target['end'] = { kind: 'transfer', target: { kind: 'teams-user', userId: o.target } };
  else if (o.kind === 'voicemail')
    target['end'] = {
      kind: 'voicemail',
      maxSeconds: 120,
      ...(o.prompt ? { prompt: o.prompt } : {}),
    };
  else target['end'] = { kind: 'disconnect', ...(o.prompt ? { prompt: o.prompt } : {}) };
  const promptFirst =
    o.prompt && (o.kind === 'queue' || o.kind === 'number' || o.kind === 'teams-user');
  if (!promptFirst || !o.prompt) return { start: 'end', nodes: target };
  return { start: 'p', nodes: { p: { kind: 'play', prompt: o.prompt, next: 'end' }, ...target } };
}

export class FlowHost implements FlowRunner {
  constructor(
    private readonly deps: RuntimeDeps,
    private readonly router: Router,
  ) {}

  private logKey(rec: InteractionRecord, flowId: string): string {
    return `${this.deps.interactions.base(rec.tenantId)}flowlog:${rec.id}:${flowId}`;
  }

  private definition(rec: InteractionRecord, flowId: string): FlowDefinition | undefined {
    const dir = this.deps.directory(rec.tenantId);
    if (flowId.startsWith(OVERFLOW)) {
      const queue = dir?.queues.get(flowId.slice(OVERFLOW.length))?.config;
      return queue ? overflowFlow(queue) : undefined;
    }
    return dir?.flows.get(flowId)?.definition;
  }

  async start(rec: InteractionRecord, flowId: string): Promise<void> {
    await this.deps.interactions.transition(rec.tenantId, rec.id, ['flow'], { flowId });
    await this.input({ ...rec, flowId }, { k: 'start', t: this.deps.now() });
  }

  async overflow(rec: InteractionRecord, queue: QueueConfig): Promise<boolean> {
    await this.start(rec, `${OVERFLOW}${queue.id}`);
    return true;
  }

  async ended(rec: InteractionRecord): Promise<void> {
    if (rec.flowId) await this.deps.redis.del(this.logKey(rec, rec.flowId));
  }

  /** `media.prompt-ended`, `media.dtmf-detected` and timers, by call. */
  async promptEnded(tenantId: string, callId: string, prompt: string, reason: string) {
    await this.forCall(tenantId, callId, { k: 'prompt', p: prompt, r: reason, t: this.deps.now() });
  }

  async digit(tenantId: string, callId: string, digit: string) {
    await this.forCall(tenantId, callId, { k: 'digit', d: digit, t: this.deps.now() });
  }

  async timer(tenantId: string, interactionId: string, timerId: string): Promise<void> {
    const rec = await this.deps.interactions.get(tenantId, interactionId);
    if (!rec || rec.state !== 'flow' || !rec.flowId) return;
    if (timerId === HANGUP) return this.hangup(rec);
    if (timerId.startsWith(RECORD)) return this.record(rec, Number(timerId.slice(RECORD.length)));
    if (timerId === STOP) return this.hangup(rec);
    const [flowId, id = ''] = timerId.split('#');
    if (flowId !== rec.flowId) return;
    await this.input(rec, { k: 'timer', id, t: this.deps.now() });
  }

  private async forCall(tenantId: string, callId: string, input: Input): Promise<void> {
    const rec = await this.deps.interactions.byCall(tenantId, callId);
    if (!rec || rec.state !== 'flow' || !rec.flowId || rec.callId !== callId) return;
    await this.input(rec, input);
  }

  private apply(run: FlowRun, input: Input): FlowAction[] {
    switch (input.k) {
      case 'start':
        return run.start(input.t);
      case 'prompt':
        return run.onPromptEnded(input.p, input.r, input.t);
      case 'digit':
        return run.onDigit(input.d, input.t);
      case 'timer':
        return run.onTimer(input.id, input.t);
      case 'failed':
        return run.onCommandFailed(
          input.c === 'answer' ? { kind: 'answer' } : { kind: 'play', prompt: input.p },
          input.t,
        );
    }
  }

  /** Replays the run's log, applies `input`, logs it and carries out the actions it produced. */
  private async input(rec: InteractionRecord, input: Input): Promise<void> {
    const flowId = rec.flowId;
    const flow = flowId ? this.definition(rec, flowId) : undefined;
    if (!flowId || !flow) {
      this.deps.log.error(
        { tenantId: rec.tenantId, interactionId: rec.id, flowId },
        'flow not found; call ended',
      );
      return this.hangup(rec);
    }
    const key = this.logKey(rec, flowId);
    const actions = await withLock(this.deps.redis, `${key}:lock`, async () => {
      const run = new FlowRun(flow, {
        caller: rec.caller ?? '',
        called: rec.called ?? '',
        variables: rec.variables,
      });
      for (const raw of await this.deps.redis.lrange(key, 0, -1))
        this.apply(run, JSON.parse(raw) as Input);
      const out = this.apply(run, input);
      await this.deps.redis.multi().rpush(key, JSON.stringify(input)).expire(key, 86400).exec();
      return out;
    });
    for (const action of actions) await this.act(rec, flowId, action);
  }

  private async act(rec: InteractionRecord, flowId: string, action: FlowAction): Promise<void> {
    const t = rec.tenantId;
    const timer = (id: string) => ({
      tenantId: t,
      interactionId: rec.id,
      timerId: `${flowId}#${id}`,
    });
    switch (action.kind) {
      case 'answer': {
        const ok = await this.command(() =>
          this.deps.bus.command(
            'sbc.answer',
            { tenantId: t, requestId: `answer-${rec.id}`, callId: rec.callId },
            sbcOptions(this.deps, rec),
          ),
        );
        if (ok?.answered)
          await this.deps.interactions.transition(t, rec.id, ['flow'], { answeredLocally: true });
        else await this.input(rec, { k: 'failed', c: 'answer', t: this.deps.now() });
        return;
      }
      case 'play': {
        const reply = await this.play(rec, action.prompt, action.bargeIn);
        if (!reply?.playing)
          await this.input(rec, { k: 'failed', c: 'play', p: action.prompt, t: this.deps.now() });
        return;
      }
      case 'startTimer':
        return this.deps.timers.set(timer(action.id), this.deps.now() + action.ms);
      case 'cancelTimer':
        return this.deps.timers.cancel(timer(action.id));
      default:
        return this.outcome(rec, action);
    }
  }

  private async outcome(rec: InteractionRecord, o: FlowOutcome): Promise<void> {
    const t = rec.tenantId;
    await this.deps.redis.del(this.logKey(rec, rec.flowId ?? ''));
    switch (o.kind) {
      case 'enqueue': {
        await this.deps.interactions.transition(t, rec.id, ['flow'], {
          variables: o.variables,
          ...(o.skills ? { requiredSkills: o.skills } : {}),
          ...(o.priority !== undefined ? { priority: o.priority } : {}),
        });
        const fresh = (await this.deps.interactions.get(t, rec.id)) ?? rec;
        const mode = fresh.originalEnqueuedAt !== undefined ? 'keep-place' : 'new';
        await this.router.enqueue(fresh, o.queueId, mode, ['flow']);
        return;
      }
      case 'transfer':
        return this.transfer(rec, o.target);
      case 'disconnect':
        return this.finalPrompt(rec, o.prompt, HANGUP);
      case 'voicemail':
        return this.finalPrompt(rec, o.prompt, `${RECORD}${o.maxSeconds}`);
    }
  }

  private async transfer(rec: InteractionRecord, target: FlowTransferTarget) {
    const t = rec.tenantId;
    let callTarget: CallTarget | undefined;
    if (target.kind === 'number') callTarget = { kind: 'number', number: target.number };
    else if (target.kind === 'bot') callTarget = { kind: 'sip-uri', uri: target.uri };
    else {
      const user = this.deps.directory(t)?.teamsUser(target.userId);
      if (user?.phoneNumber) callTarget = { kind: 'teams-user', number: user.phoneNumber };
    }
    if (!callTarget) {
      this.deps.log.error(
        { tenantId: t, interactionId: rec.id },
        'transfer target has no number; call ended',
      );
      return this.hangup(rec);
    }
    await this.deps.interactions.leave(t, rec.id, 'transferred', ['flow']);
    const reply = await this.command(() =>
      this.deps.bus.command(
        'sbc.connect',
        { tenantId: t, requestId: `transfer-${rec.id}`, callId: rec.callId, target: callTarget },
        sbcOptions(this.deps, rec),
      ),
    );
    if (!reply?.accepted) await this.router.transferFailed(rec);
  }

  /** Plays a last prompt (no barge-in), then the host timer hangs up or starts recording. */
  private async finalPrompt(rec: InteractionRecord, prompt: string | undefined, then: string) {
    let waitMs = 0;
    if (prompt) {
      if (!rec.answeredLocally)
        await this.command(() =>
          this.deps.bus.command(
            'sbc.answer',
            { tenantId: rec.tenantId, requestId: `answer-${rec.id}`, callId: rec.callId },
            sbcOptions(this.deps, rec),
          ),
        );
      const reply = await this.play(rec, prompt, false);
      waitMs = reply?.playing ? reply.durationMs + 300 : 0;
    }
    await this.deps.timers.set(
      { tenantId: rec.tenantId, interactionId: rec.id, timerId: then },
      this.deps.now() + waitMs,
    );
  }

  private async record(rec: InteractionRecord, maxSeconds: number): Promise<void> {
    if (!rec.answeredLocally)
      await this.command(() =>
        this.deps.bus.command(
          'sbc.answer',
          { tenantId: rec.tenantId, requestId: `answer-${rec.id}`, callId: rec.callId },
          sbcOptions(this.deps, rec),
        ),
      );
    await this.command(() =>
      this.deps.bus.command(
        'sbc.record',
        {
          tenantId: rec.tenantId,
          requestId: `record-${rec.id}`,
          callId: rec.callId,
          action: 'start',
        },
        sbcOptions(this.deps, rec),
      ),
    );
    await this.deps.timers.set(
      { tenantId: rec.tenantId, interactionId: rec.id, timerId: STOP },
      this.deps.now() + maxSeconds * 1000,
    );
  }

  private async hangup(rec: InteractionRecord): Promise<void> {
    await this.command(() =>
      this.deps.bus.command(
        'sbc.hangup',
        {
          tenantId: rec.tenantId,
          requestId: `hangup-${rec.id}`,
          callId: rec.callId,
          q850Cause: 16,
        },
        sbcOptions(this.deps, rec),
      ),
    );
  }

  private play(rec: InteractionRecord, prompt: string, bargeIn: boolean) {
    return this.command(() =>
      this.deps.bus.command(
        'sbc.play',
        {
          tenantId: rec.tenantId,
          requestId: `play-${rec.id}-${this.deps.now()}-${prompt}`,
          callId: rec.callId,
          prompt,
          bargeIn,
        },
        sbcOptions(this.deps, rec),
      ),
    );
  }

  /** A command that failed is logged and reported as undefined. */
  private async command<T>(send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (err) {
      this.deps.log.warn({ err: String(err) }, 'command to the SBC failed');
      return undefined;
    }
  }
}
