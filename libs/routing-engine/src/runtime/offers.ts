// What happens to an offer once an agent is reserved: the SBC rings the agent (or, for a
// callback, calls the agent and then the customer); the agent answering accepts it; a refusal,
// no answer or timeout closes it and the interaction goes back to its place in the queue.
import { randomUUID } from 'node:crypto';
import { CommandTimeoutError } from '@ccx/event-bus';
import type { QueueConfig } from '@ccx/routing-model';
import type { ClosedOffer } from '../reservations/types';
import { sbcOptions, type RuntimeDeps } from './deps';
import type { OfferMade } from './dispatcher';
import type { InteractionRecord } from './interaction-store';

export type OfferEnd = 'rejected' | 'timeout' | 'cancelled';

export class Offers {
  constructor(
    private readonly deps: RuntimeDeps,
    /** Runs the queue again (the interaction is back, or an agent is free). */
    private readonly requeued: (tenantId: string, queueId: string) => Promise<void>,
    /** The SBC refused to ring anyone for the call: it is gone. */
    private readonly gone: (tenantId: string, interactionId: string) => Promise<void>,
  ) {}

  private iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /** Publishes the offers and, for voice (not ring-all), rings the agent through the SBC. */
  async made(offer: OfferMade): Promise<void> {
    const { tenantId, queue, interaction: rec } = offer;
    const expiresAt = this.iso(this.deps.now() + queue.offerTimeoutSeconds * 1000);
    await this.deps.bus.publishMany(
      offer.agentIds.map((agentId, i) => ({
        name: 'interaction.offered' as const,
        tenantId,
        callId: rec.callId || rec.id,
        data: {
          interactionId: rec.id,
          queueId: queue.id,
          agentId,
          reservationId: offer.reservationIds[i] ?? '',
          channel: rec.callbackNumber ? ('callback' as const) : ('voice' as const),
          expiresAt,
        },
      })),
    );
    // Ring-all waits for an agent to accept (routing.offer-response); then the call is connected.
    if (offer.ringAll) return;
    void this.ring(
      tenantId,
      queue,
      rec,
      offer.agentIds[0] ?? '',
      offer.reservationIds[0] ?? '',
    ).catch((err: unknown) =>
      this.deps.log.error({ tenantId, interactionId: rec.id, err: String(err) }, 'ringing failed'),
    );
  }

  /** Sends the SBC command that rings the agent; a refusal closes the offer at once. */
  async ring(
    tenantId: string,
    queue: QueueConfig,
    rec: InteractionRecord,
    agentId: string,
    reservationId: string,
  ): Promise<void> {
    const agent = this.deps.directory(tenantId)?.agents.get(agentId);
    try {
      if (!agent?.phoneNumber) throw new Error(`agent ${agentId} has no phone number`);
      const target = { kind: 'teams-user' as const, number: agent.phoneNumber };
      const timeoutSeconds = queue.offerTimeoutSeconds;
      let reply: { accepted: boolean; reason?: string | undefined };
      if (rec.callbackNumber) {
        const callId = randomUUID();
        await this.deps.interactions.transition(tenantId, rec.id, ['offered'], { callId });
        await this.deps.interactions.linkCall(tenantId, callId, rec.id);
        reply = await this.deps.bus.command(
          'sbc.originate',
          {
            tenantId,
            requestId: reservationId,
            callId,
            first: target,
            then: { kind: 'number', number: rec.callbackNumber },
            ...(rec.called ? { callerId: rec.called } : {}),
            timeoutSeconds,
          },
          { timeoutMs: this.deps.commandTimeoutMs },
        );
      } else {
        reply = await this.deps.bus.command(
          'sbc.connect',
          { tenantId, requestId: reservationId, callId: rec.callId, target, timeoutSeconds },
          sbcOptions(this.deps, rec),
        );
      }
      if (!reply.accepted) throw new Error(reply.reason ?? 'refused by the SBC');
    } catch (err) {
      if (err instanceof CommandTimeoutError) {
        // The outcome is unknown (the SBC may yet ring the agent): the offer stays open and ends
        // as the SBC reports, or at its deadline, when the sweep puts the caller back in place.
        this.deps.log.warn(
          { tenantId, interactionId: rec.id, agentId, err: String(err) },
          'the SBC did not confirm ringing the agent; the offer waits for its report or deadline',
        );
        return;
      }
      this.deps.log.warn(
        { tenantId, interactionId: rec.id, agentId, err: String(err) },
        'could not ring the agent; the offer is withdrawn',
      );
      // A live call the SBC cannot ring for is not coming back (it ended, or its SBC is gone);
      // a callback has no live call and simply waits for its next turn.
      if (rec.callbackNumber) return this.close(tenantId, rec.id, reservationId, 'cancelled');
      const closed = await this.deps.reservations.timeout(tenantId, reservationId);
      if (closed.released) await this.publishEnded(tenantId, closed.released, 'cancelled');
      await this.gone(tenantId, rec.id);
    }
  }

  /**
   * Ends an open offer that was not accepted and puts the interaction back in its place. The
   * interaction goes back before the offer is closed: closing frees the agent, and a caller
   * behind this one must not get the agent first. Safe to call twice, or for an offer the sweep
   * or a late SBC report already closed.
   */
  async close(
    tenantId: string,
    interactionId: string,
    reservationId: string,
    how: OfferEnd,
  ): Promise<void> {
    const store = this.deps.reservations;
    const back = await this.back(tenantId, interactionId, reservationId);
    const result =
      how === 'rejected'
        ? await store.reject(tenantId, reservationId)
        : await store.timeout(tenantId, reservationId);
    if (result.released) await this.publishEnded(tenantId, result.released, how);
    if (back) await this.requeued(tenantId, back);
  }

  /** After the sweep closed an offer: the interaction goes back to its place. */
  async expired(offer: ClosedOffer): Promise<void> {
    await this.publishEnded(offer.tenantId, offer, 'timeout');
    const back = await this.back(offer.tenantId, offer.interactionId, offer.reservationId);
    if (back) await this.requeued(offer.tenantId, back);
  }

  /** Puts an offered interaction back in its queue (same visit); returns the queue id. */
  private async back(
    tenantId: string,
    interactionId: string,
    reservationId: string,
  ): Promise<string | undefined> {
    const rec = await this.deps.interactions.get(tenantId, interactionId);
    if (!rec?.queueId || rec.state !== 'offered' || !rec.reservationId) return undefined;
    // Ring-all keeps the group id on the interaction: it goes back when no other offer is open.
    if (rec.reservationId !== reservationId) {
      const open = await this.deps.reservations.openOffers(tenantId, interactionId);
      if (open.some((rid) => rid !== reservationId)) return undefined;
    }
    const { position } = await this.deps.interactions.enqueue(
      tenantId,
      interactionId,
      rec.queueId,
      this.deps.now(),
      'same-visit',
      ['offered'],
      rec.reservationId,
    );
    if (position === 0) return undefined;
    // A callback whose call to the agent failed has no live call until the next attempt.
    if (rec.callbackNumber)
      await this.deps.interactions.transition(tenantId, interactionId, ['waiting'], { callId: '' });
    return rec.queueId;
  }

  async publishEnded(tenantId: string, offer: ClosedOffer, how: OfferEnd | 'accepted') {
    await this.deps.bus.publish('interaction.offer-ended', {
      tenantId,
      callId: offer.interactionId,
      data: {
        interactionId: offer.interactionId,
        agentId: offer.agentId,
        reservationId: offer.reservationId,
        outcome: how,
      },
    });
  }
}
