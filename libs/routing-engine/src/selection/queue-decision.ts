import { placedAt, qualifies, requirementsAt } from './eligibility';
import { isOpen } from './hours';
import { chooseAgents, type RoundRobinState } from './methods';
import type { Agent, Interaction, OverflowAction, QueueConfig, SkillRequirement } from './model';
import { orderWaiting } from './ordering';

export type OverflowReason = 'closed' | 'max-wait' | 'max-size';

export type Decision =
  | {
      kind: 'offer';
      interaction: Interaction;
      /** ring-all: offer to all at once; otherwise to `agents[0]`, then the rest in order. */
      ringAll: boolean;
      agents: Agent[];
      requirements: readonly SkillRequirement[];
      offerTimeoutSeconds: number;
    }
  | { kind: 'overflow'; interaction: Interaction; reason: OverflowReason; action: OverflowAction }
  | { kind: 'wait' };

/** Max wait counts this visit only: a re-entry is not thrown out for time spent before it. */
function overWait(queue: QueueConfig, i: Interaction, now: number): boolean {
  return now - i.enqueuedAt >= queue.maxWaitSeconds * 1000;
}

/** The latest-placed interaction: a full queue turns away the newcomer, not the old caller. */
function newest(waiting: readonly Interaction[]): Interaction | undefined {
  let last: Interaction | undefined;
  for (const i of waiting) {
    if (!last || placedAt(i) > placedAt(last) || (placedAt(i) === placedAt(last) && i.id > last.id))
      last = i;
  }
  return last;
}

/**
 * One step of work for a queue: an overflow (closed, then max wait, then max size) or else an
 * offer for the best-ranked interaction that has eligible agents. Call again after acting on the
 * result; `waiting` holds this queue's interactions not yet offered.
 */
export function decide(
  queue: QueueConfig,
  waiting: readonly Interaction[],
  agents: readonly Agent[],
  now: number,
  rrState: RoundRobinState,
): Decision {
  const ordered = orderWaiting(waiting, queue, now);
  const head = ordered[0];
  if (!head) return { kind: 'wait' };
  const overflow = (interaction: Interaction, reason: OverflowReason): Decision => ({
    kind: 'overflow',
    interaction,
    reason,
    action: queue.overflow,
  });

  if (queue.hours && !isOpen(queue.hours, now)) return overflow(head, 'closed');
  const expired = ordered.filter((i) => overWait(queue, i, now));
  const longest = expired.sort((a, b) => a.enqueuedAt - b.enqueuedAt)[0];
  if (longest) return overflow(longest, 'max-wait');
  const turnedAway = ordered.length > queue.maxSize ? newest(ordered) : undefined;
  if (turnedAway) return overflow(turnedAway, 'max-size');

  // Skip past an interaction nobody can take, so one rare-skill caller does not block the rest.
  for (const interaction of ordered) {
    const requirements = requirementsAt(queue, interaction, now);
    const eligible = agents.filter((a) => qualifies(a, queue, interaction.channel, requirements));
    if (eligible.length === 0) continue;
    const choice = chooseAgents(queue.method, eligible, rrState, queue, requirements);
    return {
      kind: 'offer',
      interaction,
      ringAll: choice.ringAll,
      agents: choice.agents,
      requirements,
      offerTimeoutSeconds: queue.offerTimeoutSeconds,
    };
  }
  return { kind: 'wait' };
}
