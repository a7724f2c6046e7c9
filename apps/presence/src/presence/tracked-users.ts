import type { LiveConfig } from '@ccx/live-config';

/**
 * The Teams users presence sync tracks for a tenant: agents with a Teams user id and the experts
 * of the SME directory, read from the live configuration (so new ones are picked up at the next
 * pass, without a restart). Also which agent a Teams user is, for `presence.changed`.
 */
export class TrackedUsers {
  private readonly agentsByUser = new Map<string, Map<string, string>>();
  private readonly usersByAgent = new Map<string, Map<string, string>>();

  constructor(private readonly live: LiveConfig) {}

  async load(tenantId: string): Promise<string[]> {
    const users = new Set<string>();
    const byUser = new Map<string, string>();
    const byAgent = new Map<string, string>();
    for (const agent of await this.live.list(tenantId, 'agent')) {
      const userId = agent['teamsUserId'];
      if (typeof userId !== 'string' || userId === '') continue;
      users.add(userId);
      byUser.set(userId, agent.id);
      byAgent.set(agent.id, userId);
    }
    for (const expert of await this.live.list(tenantId, 'expert')) {
      const userId = expert['userId'];
      if (typeof userId === 'string' && userId !== '') users.add(userId);
    }
    this.agentsByUser.set(tenantId, byUser);
    this.usersByAgent.set(tenantId, byAgent);
    return [...users];
  }

  agentOf(tenantId: string, userId: string): string | undefined {
    return this.agentsByUser.get(tenantId)?.get(userId);
  }

  /** The agent's Teams user id; read from the configuration if the agent is new since the last pass. */
  async userOf(tenantId: string, agentId: string): Promise<string | undefined> {
    const known = this.usersByAgent.get(tenantId)?.get(agentId);
    if (known) return known;
    const row = await this.live.get(tenantId, 'agent', agentId);
    const userId = row?.['teamsUserId'];
    return typeof userId === 'string' && userId !== '' ? userId : undefined;
  }
}
