// Helpers of replicas.test.ts: a seeded generator, the overlap of offer spans, and what to
// print when a call never completes.
import type { RoutingHarness } from '../../support/routing-harness';

/** mulberry32: a small seeded generator, so a failing run can be replayed with CCX_RACE_SEED. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface Span {
  owner: string;
  id: string;
  start: number;
  end: number;
}

/** Spans that start before an earlier span of the same owner has ended (ties are fine). */
export function overlapping(spans: readonly Span[]): Span[] {
  const byOwner = new Map<string, Span[]>();
  for (const s of spans) byOwner.set(s.owner, [...(byOwner.get(s.owner) ?? []), s]);
  const out: Span[] = [];
  for (const list of byOwner.values()) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let end = -Infinity;
    for (const s of list) {
      if (s.start < end) out.push(s);
      end = Math.max(end, s.end);
    }
  }
  return out;
}

/** Prints the calls not completed, their rings and events, and every agent's status. */
export async function reportStuck(
  harness: RoutingHarness,
  calls: readonly string[],
  agentIds: readonly string[],
  rings: ReadonlyMap<string, unknown>,
): Promise<void> {
  const t = harness.tenantId;
  const done = new Set(harness.of('interaction.completed').map((e) => e.data.interactionId));
  for (const id of calls.filter((c) => !done.has(c)).slice(0, 10)) {
    console.error(
      'not completed:',
      JSON.stringify(await harness.runtime.deps.interactions.get(t, id)),
    );
    for (const c of harness.sent('sbc.connect').filter((r) => r['callId'] === id))
      console.error('  ring', JSON.stringify(rings.get(String(c['requestId']))), JSON.stringify(c));
    for (const e of harness.events.filter((e) => e.callId === id))
      console.error('  event', e.name, e.occurredAt, e.source, JSON.stringify(e.data));
  }
  for (const agentId of agentIds)
    console.error(
      JSON.stringify(await harness.runtime.commands.agentStatus({ tenantId: t, agentId })),
    );
  console.error(
    'events:',
    JSON.stringify(
      [...new Set(harness.events.map((e) => e.name))].map((n) => [n, harness.of(n).length]),
    ),
  );
}
