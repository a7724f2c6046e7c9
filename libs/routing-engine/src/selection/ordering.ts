import { placedAt, waitedMs } from './eligibility';
import type { Interaction, QueueConfig } from './model';

/**
 * Priority plus aging per whole minute waited. Whole minutes keep equal-priority interactions
 * tied, so they fall back to arrival order instead of drifting apart by milliseconds.
 */
export function effectivePriority(
  interaction: Interaction,
  queue: QueueConfig,
  now: number,
): number {
  const minutes = Math.floor(waitedMs(interaction, now) / 60_000);
  return interaction.priority + queue.priorityAgingPerMinute * minutes;
}

interface Ranked {
  i: Interaction;
  p: number;
  at: number;
}

/** Highest effective priority first, then the earliest place, then id (for determinism). */
function before(a: Ranked, b: Ranked): number {
  return b.p - a.p || a.at - b.at || (a.i.id < b.i.id ? -1 : a.i.id > b.i.id ? 1 : 0);
}

function rank(waiting: readonly Interaction[], queue: QueueConfig, now: number): Ranked[] {
  return waiting.map((i) => ({ i, p: effectivePriority(i, queue, now), at: placedAt(i) }));
}

export function orderWaiting(
  waiting: readonly Interaction[],
  queue: QueueConfig,
  now: number,
): Interaction[] {
  return rank(waiting, queue, now)
    .sort(before)
    .map((r) => r.i);
}

export function nextInteraction(
  waiting: readonly Interaction[],
  queue: QueueConfig,
  now: number,
): Interaction | undefined {
  let best: Ranked | undefined;
  for (const r of rank(waiting, queue, now)) if (!best || before(r, best) < 0) best = r;
  return best?.i;
}
