import type { Agent, Channel, Interaction, QueueConfig, SkillRequirement } from './model';

/** Epoch ms that count as the interaction's place and wait: the first entry for a re-entry. */
export function placedAt(interaction: Interaction): number {
  return interaction.originalEnqueuedAt ?? interaction.enqueuedAt;
}

/** Milliseconds waited, counted from the first entry so a callback keeps its escalation too. */
export function waitedMs(interaction: Interaction, now: number): number {
  return Math.max(0, now - placedAt(interaction));
}

/**
 * Requirements in force now: the escalation step with the largest `afterSeconds` already reached,
 * else the interaction's own set (from a virtual-assistant flow), else the queue's.
 */
export function requirementsAt(
  queue: QueueConfig,
  interaction: Interaction,
  now: number,
): readonly SkillRequirement[] {
  const waitedSeconds = waitedMs(interaction, now) / 1000;
  let step: QueueConfig['escalation'][number] | undefined;
  for (const s of queue.escalation) {
    if (s.afterSeconds <= waitedSeconds && (!step || s.afterSeconds >= step.afterSeconds)) step = s;
  }
  return step?.requiredSkills ?? interaction.requiredSkills ?? queue.requiredSkills;
}

/** Contact-center state and spare capacity: voice needs an idle agent, chat may stack. */
export function hasCapacity(agent: Agent, channel: Channel): boolean {
  if (agent.active[channel] >= agent.capacity[channel]) return false;
  if (channel === 'voice') return agent.state === 'available';
  return agent.state === 'available' || agent.state === 'busy';
}

/** Every required skill at or above its level (anything with skills: an agent or its config). */
export function meetsSkills(
  agent: { readonly skills: Readonly<Record<string, number>> },
  requirements: readonly SkillRequirement[],
): boolean {
  for (const r of requirements) if ((agent.skills[r.skillId] ?? 0) < r.minLevel) return false;
  return true;
}

/** The check with requirements already worked out, for deciding over many agents at once. */
export function qualifies(
  agent: Agent,
  queue: QueueConfig,
  channel: Channel,
  requirements: readonly SkillRequirement[],
): boolean {
  return (
    hasCapacity(agent, channel) &&
    !agent.optOutQueues.includes(queue.id) &&
    (!queue.presenceAware || agent.presence === 'Available') &&
    meetsSkills(agent, requirements)
  );
}

export function isEligible(
  agent: Agent,
  queue: QueueConfig,
  interaction: Interaction,
  now: number,
): boolean {
  return qualifies(agent, queue, interaction.channel, requirementsAt(queue, interaction, now));
}
