// The B2BUA's ports onto the event bus: media commands to the least-loaded media worker (then to
// the worker that owns the call), and call events published in order per call.
import { randomUUID } from 'node:crypto';
import type { CallEventSink, MediaControl, MediaOffer, MediaPlay } from '@ccx/b2bua';
import type { EventBus } from '@ccx/event-bus';
import type { MediaWorkerDirectory, RelayListener } from '@ccx/media-relay';
import type { Logger } from '@ccx/observability';

export class BusMediaControl implements MediaControl {
  /** callId → the worker holding its session. */
  private owners = new Map<string, string>();

  constructor(
    private readonly bus: EventBus,
    private readonly directory: MediaWorkerDirectory,
    private readonly timeoutMs: number,
  ) {}

  async offer(req: MediaOffer) {
    const key = `${req.tenantId}\u0000${req.callId}`;
    const target = this.owners.get(key) ?? this.directory.pick();
    if (!target) throw new Error('no media worker available');
    const reply = await this.bus.command(
      'media.offer',
      {
        tenantId: req.tenantId,
        requestId: randomUUID(),
        callId: req.callId,
        fromTag: req.fromTag,
        sdp: req.sdp,
        bProfile: req.bProfile,
        ...(req.bCodecs ? { bCodecs: req.bCodecs } : {}),
        ...(req.answerA ? { answerA: true } : {}),
      },
      { target, timeoutMs: this.timeoutMs },
    );
    this.owners.set(key, reply.workerId);
    return {
      sdp: reply.sdp,
      workerId: reply.workerId,
      ...(reply.aSdp ? { aSdp: reply.aSdp } : {}),
    };
  }

  async play(req: MediaPlay) {
    const target = this.owner(req.tenantId, req.callId);
    return this.bus.command(
      'media.play',
      { ...req, leg: 'a', requestId: randomUUID() },
      { target, timeoutMs: this.timeoutMs },
    );
  }

  async record(req: { tenantId: string; callId: string; action: 'start' | 'stop' }) {
    const target = this.owner(req.tenantId, req.callId);
    return this.bus.command(
      'media.record',
      { ...req, requestId: randomUUID() },
      { target, timeoutMs: this.timeoutMs },
    );
  }

  private owner(tenantId: string, callId: string): string {
    const target = this.owners.get(`${tenantId}\u0000${callId}`);
    if (!target) throw new Error(`no media session for call ${callId}`);
    return target;
  }

  async answer(req: { tenantId: string; callId: string; toTag: string; sdp: string }) {
    const target = this.owner(req.tenantId, req.callId);
    const reply = await this.bus.command(
      'media.answer',
      { ...req, requestId: randomUUID() },
      { target, timeoutMs: this.timeoutMs },
    );
    return { sdp: reply.sdp, transcoding: reply.transcoding };
  }

  async delete(req: { tenantId: string; callId: string }): Promise<void> {
    const key = `${req.tenantId}\u0000${req.callId}`;
    const target = this.owners.get(key);
    if (!target) return;
    this.owners.delete(key);
    this.directory.released(target);
    await this.bus.command(
      'media.delete',
      { ...req, requestId: randomUUID() },
      { target, timeoutMs: this.timeoutMs },
    );
  }
}

/** Publishes call events; one chain per call keeps them in order, `seq` numbers them. */
export class BusEventSink implements CallEventSink {
  private chains = new Map<string, { seq: number; tail: Promise<unknown> }>();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly enabled = true,
  ) {}

  emit: CallEventSink['emit'] = (name, tenantId, callId, data) => {
    if (!this.enabled) return;
    const chain = this.chains.get(callId) ?? { seq: 0, tail: Promise.resolve() };
    const seq = ++chain.seq;
    chain.tail = chain.tail
      .then(() => this.bus.publish(name, { tenantId, callId, seq, data }))
      .catch((err: unknown) => this.log.error({ err, name, callId }, 'call event not published'));
    this.chains.set(callId, chain);
    if (name === 'call.ended' || callId.startsWith('rejected-')) {
      void chain.tail.finally(() => {
        if (this.chains.get(callId) === chain) this.chains.delete(callId);
      });
    }
  };

  trunkState: NonNullable<CallEventSink['trunkState']> = (data, tenantId) => {
    if (!this.enabled) return;
    this.bus
      .publish('trunk.status-changed', { tenantId, data })
      .catch((err: unknown) =>
        this.log.error({ err, trunkId: data.trunkId }, 'trunk state not published'),
      );
  };
}

/**
 * Embedded media: the engine's prompt-ended and DTMF events go to the bus as the media worker
 * publishes them, with the call id the SBC gave the session (the one in `call.*` events).
 */
export function mediaEventsToBus(bus: EventBus, log: Logger): RelayListener {
  const publish = (what: string, p: Promise<unknown>) =>
    void p.catch((err: unknown) => log.warn({ err }, `${what} event not published`));
  return {
    dtmf(s, leg, digit, durationMs) {
      publish(
        'dtmf',
        bus.publish('media.dtmf-detected', {
          tenantId: s.tenantId,
          callId: s.callId,
          data: { leg, digit, durationMs },
        }),
      );
    },
    promptEnded(s, leg, prompt, reason, playedMs) {
      publish(
        'prompt',
        bus.publish('media.prompt-ended', {
          tenantId: s.tenantId,
          callId: s.callId,
          data: { leg, prompt, reason, playedMs },
        }),
      );
    },
  };
}
