import { createHmac, type KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { NotificationIntake, type IntakeResult } from './notification-intake';
import type { PresenceUpdate } from './presence-state';
import {
  TenantPresenceSync,
  type PresenceGraph,
  type SubscriptionStore,
  type TenantSyncStats,
} from './tenant-sync';
import { PresenceWriteBack, type WriteBackGraph } from './write-back';

/** A tenant connected to Microsoft 365, with its Graph calls (tokens and budget inside). */
export interface ConnectedTenant {
  tenantId: string;
  entraTenantId: string;
  /** Our app's client id in that tenant: setPresence's sessionId, validation tokens' audience. */
  appId: string;
  /** Reads and subscriptions (subscriptions need a delegated token, see docs/presence.md). */
  graph: PresenceGraph;
  /** setPresence / clearPresence (application permission Presence.ReadWrite.All). */
  writeBack: WriteBackGraph;
}

export interface PresenceRuntimeOptions {
  connections: () => Promise<ConnectedTenant[]>;
  /** The Teams user ids to track for a tenant (agents and experts). */
  trackedUsers: (tenantId: string) => Promise<string[]>;
  publish: (tenantId: string, update: PresenceUpdate) => Promise<void>;
  /** Public base URL of our notification endpoints; without it every tenant is polled. */
  publicUrl?: string;
  /** Certificate for rich notifications (base64 DER), its id and private key. */
  encryption?: { certificate: string; certificateId: string; privateKey: KeyObject };
  /** Key that clientState values are derived from (one per tenant, stable across replicas). */
  clientStateKey: string;
  jwks: JWTVerifyGetKey;
  authority?: string;
  pollIntervalMs?: number;
  lifetimeMs?: number;
  renewBeforeMs?: number;
  writeBackMinutes?: number;
  /** Keeps subscriptions across restarts (see TenantPresenceSync.close). */
  store?: SubscriptionStore;
  now?: () => number;
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

interface TenantRuntime {
  connection: ConnectedTenant;
  sync: TenantPresenceSync;
  writeBack: PresenceWriteBack;
}

/**
 * Presence sync for every connected tenant: one TenantPresenceSync and one write-back per tenant,
 * kept in step with the connections and tracked users at every `refresh()`, and the intake that
 * routes notifications to them.
 */
export class PresenceRuntime {
  private readonly tenants = new Map<string, TenantRuntime>();
  private readonly byEntraId = new Map<string, TenantRuntime>();
  readonly intake: NotificationIntake;

  constructor(private readonly options: PresenceRuntimeOptions) {
    this.intake = new NotificationIntake({
      tenantByEntraId: (tid) => {
        const t = this.byEntraId.get(tid);
        return t ? { sync: t.sync, appId: t.connection.appId } : undefined;
      },
      ...(options.encryption
        ? {
            encryption: {
              privateKey: options.encryption.privateKey,
              certificateId: options.encryption.certificateId,
            },
          }
        : {}),
      jwks: options.jwks,
      ...(options.authority ? { authority: options.authority } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.onProblem ? { onProblem: options.onProblem } : {}),
    });
  }

  changes(body: unknown): Promise<IntakeResult> {
    return this.intake.changes(body);
  }

  lifecycle(body: unknown): Promise<IntakeResult> {
    return this.intake.lifecycle(body);
  }

  /** Reloads connections and tracked users, then runs one sync pass per tenant. */
  async refresh(): Promise<void> {
    const connections = await this.options.connections();
    const seen = new Set<string>();
    for (const connection of connections) {
      seen.add(connection.tenantId);
      const current = this.tenants.get(connection.tenantId);
      if (!current || current.connection.entraTenantId !== connection.entraTenantId) {
        if (current) await this.remove(connection.tenantId, true);
        this.add(connection);
      } else {
        current.connection = connection;
      }
    }
    for (const tenantId of [...this.tenants.keys()]) {
      if (!seen.has(tenantId)) await this.remove(tenantId, true);
    }
    await Promise.all(
      [...this.tenants.values()].map(async (t) => {
        try {
          t.sync.setTracked(await this.options.trackedUsers(t.connection.tenantId));
          await t.sync.sync();
          await t.writeBack.refresh();
        } catch (err) {
          this.options.onProblem?.('presence sync pass failed', {
            tenantId: t.connection.tenantId,
            error: String(err),
          });
        }
      }),
    );
  }

  /** An agent's contact-center state changed: Busy / InACall in Teams while on a call. */
  async agentChanged(
    tenantId: string,
    teamsUserId: string,
    onCall: boolean,
    version: number,
  ): Promise<void> {
    await this.tenants.get(tenantId)?.writeBack.agentChanged(teamsUserId, onCall, version);
  }

  stats(): Map<string, TenantSyncStats> {
    return new Map([...this.tenants].map(([id, t]) => [id, t.sync.stats()]));
  }

  tenant(tenantId: string): TenantPresenceSync | undefined {
    return this.tenants.get(tenantId)?.sync;
  }

  /** Stops; subscriptions stay for the next run when there is a store. */
  async close(): Promise<void> {
    for (const tenantId of [...this.tenants.keys()]) await this.remove(tenantId, false);
  }

  private add(connection: ConnectedTenant): void {
    const o = this.options;
    const base = o.publicUrl?.replace(/\/+$/, '');
    const sync = new TenantPresenceSync(connection.graph, {
      tenantId: connection.tenantId,
      ...(base
        ? {
            notificationUrl: `${base}/graph/notifications`,
            lifecycleNotificationUrl: `${base}/graph/lifecycle`,
          }
        : {}),
      clientState: createHmac('sha256', o.clientStateKey)
        .update(`presence:${connection.tenantId}`)
        .digest('base64url'),
      ...(o.encryption
        ? {
            encryption: {
              certificate: o.encryption.certificate,
              certificateId: o.encryption.certificateId,
            },
          }
        : {}),
      ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
      ...(o.lifetimeMs !== undefined ? { lifetimeMs: o.lifetimeMs } : {}),
      ...(o.renewBeforeMs !== undefined ? { renewBeforeMs: o.renewBeforeMs } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(o.store ? { store: o.store } : {}),
      onChange: (update) => o.publish(connection.tenantId, update),
      ...(o.onProblem ? { onProblem: o.onProblem } : {}),
    });
    const writeBack = new PresenceWriteBack(connection.writeBack, {
      sessionId: connection.appId,
      ...(o.writeBackMinutes !== undefined ? { expirationMinutes: o.writeBackMinutes } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(o.onProblem ? { onProblem: o.onProblem } : {}),
    });
    const runtime = { connection, sync, writeBack };
    this.tenants.set(connection.tenantId, runtime);
    this.byEntraId.set(connection.entraTenantId, runtime);
  }

  /** `disconnected`: the tenant is gone or changed Entra tenant, so its subscriptions go too. */
  private async remove(tenantId: string, disconnected: boolean): Promise<void> {
    const t = this.tenants.get(tenantId);
    if (!t) return;
    this.tenants.delete(tenantId);
    this.byEntraId.delete(t.connection.entraTenantId);
    await t.sync.close(disconnected || this.options.store === undefined);
  }
}
