// Invariants of the routing runtime read from Redis, for runtime-property.test.ts: those that
// hold at every moment, and those that hold once the bus has settled.
import { expect } from 'vitest';
import type { RoutingHarness } from '../../support/routing-harness';

/** What the test knows: calls it may still end, interactions it created, rings it answered. */
export interface Model {
  /** Calls not hung up yet: callers' calls and the callback calls routing originated. */
  live: Set<string>;
  /** Interaction ids (the first call's id) of every call offered. */
  interactions: Set<string>;
  /** Ring attempts (request ids) the test already answered or refused. */
  settledRings: Set<string>;
  seenOriginates: Set<string>;
  agents: string[];
}

const status = (h: RoutingHarness, agentId: string) =>
  h.runtime.commands.agentStatus({ tenantId: h.tenantId, agentId });

/** Always true, even mid-flight: no agent holds more than its capacity, offers match counts. */
export async function checkStep(h: RoutingHarness, m: Model): Promise<void> {
  for (const agentId of m.agents) {
    const s = await status(h, agentId);
    expect(s.active.voice + s.reserved.voice, `${agentId} double-booked`).toBeLessThanOrEqual(1);
    // The status reads the open offers just after the counters: one may close in between.
    expect(s.offers.length, `${agentId} offers vs reserved count`).toBeLessThanOrEqual(
      s.reserved.voice + s.reserved.chat,
    );
  }
}

/** What is wrong once events have settled ([] when nothing). */
async function problems(h: RoutingHarness, m: Model): Promise<string[]> {
  const t = h.tenantId;
  const { interactions, reservations } = h.runtime.deps;
  const out: string[] = [];
  for (const agentId of m.agents) {
    const s = await status(h, agentId);
    if (s.active.voice + s.reserved.voice > 1) out.push(`${agentId} double-booked`);
    if (s.offers.length !== s.reserved.voice + s.reserved.chat)
      out.push(`${agentId} has ${s.offers.length} offers, reserved ${s.reserved.voice}`);
    for (const o of s.offers) {
      const rec = await interactions.get(t, o.interactionId);
      if (rec?.state !== 'offered' || rec.agentId !== agentId)
        out.push(`${agentId} holds an offer of ${o.interactionId}, which is ${rec?.state}`);
    }
  }
  for (const a of await reservations.activeInteractions(t)) {
    const rec = await interactions.get(t, a.interactionId);
    if (rec?.state !== 'connected' || rec.agentId !== a.agentId)
      out.push(`${a.agentId} busy with ${a.interactionId}, which is ${rec?.state}`);
    else if (!m.live.has(rec.callId))
      out.push(`${a.agentId} still busy with ${a.interactionId}, whose call ended`);
  }
  for (const id of m.interactions) {
    const rec = await interactions.get(t, id);
    if (!rec) continue; // a call hung up before routing saw it offered
    const open = await reservations.openOffers(t, id);
    const queued = rec.queueId ? await interactions.position(t, rec.queueId, id) : 0;
    if (rec.state === 'waiting' && open.length > 0) out.push(`${id} both waiting and offered`);
    if ((rec.state === 'waiting') !== queued > 0)
      out.push(`${id} is ${rec.state} but ${queued > 0 ? '' : 'not '}in its queue's list`);
    if (rec.state === 'offered' && open.length !== 1)
      out.push(`${id} offered with ${open.length} open offers`);
    if (rec.state === 'ended' && open.length > 0) out.push(`${id} ended with open offers`);
    // A caller's hang-up always ends the interaction (a callback has no call while waiting).
    if (!rec.callbackNumber && !m.live.has(id) && rec.state !== 'ended')
      out.push(`${id} hung up but ${rec.state}`);
  }
  // Every offer made and closed was reported closed (who listens to offers can clear them).
  const reported = new Set(h.of('interaction.offer-ended').map((e) => e.data.reservationId));
  for (const o of h.of('interaction.offered')) {
    const id = o.data.reservationId;
    if (reported.has(id)) continue;
    const r = await reservations.getReservation(t, id);
    if (r?.status !== 'open') out.push(`offer ${id} ${r?.status ?? 'gone'}, no offer-ended`);
  }
  return out;
}

/** Checks the settled invariants, giving late events a few seconds on a loaded machine. */
export async function checkSettled(h: RoutingHarness, m: Model): Promise<void> {
  const deadline = Date.now() + 8_000;
  let found = await problems(h, m);
  while (found.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    found = await problems(h, m);
  }
  expect(found, found.join('; ')).toEqual([]);
}
