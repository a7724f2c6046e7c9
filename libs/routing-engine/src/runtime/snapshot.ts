// A queue's live figures: who waits (its waiting list in Redis, summed up there), its agents by
// state (from the mirror), and the sliding window's outcomes (from the shared buckets).
import type { CommandReply } from '@ccx/contracts';
import type { RuntimeDeps } from './deps';
import type { TenantDirectory } from './directory';

type Snapshot = CommandReply<'routing.queue-stats'>['queues'][number];

export async function queueSnapshot(
  deps: RuntimeDeps,
  dir: TenantDirectory,
  queueId: string,
  now: number,
): Promise<Snapshot> {
  const queue = dir.queues.get(queueId)?.config;
  const {
    waiting,
    callbacks,
    longestWaitMs,
    window: figures,
  } = await deps.stats.figures(dir.tenantId, queueId, now);
  const agents = agentsByState(deps, dir, queueId);
  const outcomes = figures.answered + figures.abandoned;
  const slSeconds = queue?.serviceLevelSeconds ?? 20;
  return {
    queueId,
    waiting,
    callbacks,
    longestWaitMs: Math.max(0, Math.round(longestWaitMs)),
    agents,
    windowMs: deps.stats.windowMs,
    offered: figures.offered,
    answered: figures.answered,
    abandoned: figures.abandoned,
    serviceLevelSeconds: slSeconds,
    serviceLevel: outcomes > 0 ? figures.answeredWithinSl / outcomes : null,
    asaMs: figures.answered > 0 ? figures.answerWaitMs / figures.answered : null,
    abandonmentRate: outcomes > 0 ? figures.abandoned / outcomes : null,
    at: new Date(now).toISOString(),
  };
}

/** A queue's candidates by state, from the mirror's counts (the rest are logged out). */
export function agentsByState(
  deps: RuntimeDeps,
  dir: TenantDirectory,
  queueId: string,
): Record<string, number> {
  const agents: Record<string, number> = {};
  let counted = 0;
  for (const [state, n] of deps.mirror.counts(dir.tenantId, queueId)) {
    if (state === 'logged-out' || n <= 0) continue;
    agents[state] = n;
    counted += n;
  }
  const loggedOut = dir.candidatesOf(queueId).length - counted;
  if (loggedOut > 0) agents['logged-out'] = loggedOut;
  return agents;
}
