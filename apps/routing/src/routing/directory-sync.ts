// Keeps the runtime's per-tenant configuration equal to the live projection. Any replica may
// have applied a `config.changed`, so each polls the projection's per-tenant change counters and
// re-reads the tenants whose counter moved.
import type { LiveConfig } from '@ccx/live-config';
import type { Logger } from '@ccx/observability';
import type { RoutingRuntime } from '@ccx/routing-engine';

export class DirectorySync {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly live: LiveConfig,
    private readonly runtime: RoutingRuntime,
    private readonly log: Logger,
  ) {}

  /** Re-reads changed tenants; returns how many were (re)loaded. */
  async poll(): Promise<number> {
    const versions = await this.live.versions();
    let loaded = 0;
    for (const [tenantId, version] of versions) {
      if (this.seen.get(tenantId) === version) continue;
      await this.load(tenantId);
      this.seen.set(tenantId, version);
      loaded++;
    }
    return loaded;
  }

  private async load(tenantId: string): Promise<void> {
    if (!(await this.live.get(tenantId, 'tenant', tenantId))) {
      this.runtime.dropTenant(tenantId);
      return;
    }
    const [queues, agents, numbers, flows, experts] = await Promise.all([
      this.live.list(tenantId, 'queue'),
      this.live.list(tenantId, 'agent'),
      this.live.list(tenantId, 'number-range'),
      this.live.list(tenantId, 'flow'),
      this.live.list(tenantId, 'expert'),
    ]);
    const dir = this.runtime.setTenant(tenantId, { queues, agents, numbers, flows, experts });
    // Agents new to this replica (a new tenant, or agents added) are read once.
    await this.runtime.syncAgents(tenantId);
    this.log.info(
      { tenantId, queues: dir.queues.size, agents: dir.agents.size, errors: dir.errors.length },
      'routing configuration loaded',
    );
  }
}
