import type { Redis } from 'ioredis';
import type { EventOf } from '@ccx/contracts';
import type { Database } from '@ccx/persistence';
import { isLiveResource, readAll, readRow, type LiveResource, type LiveRow } from './resources';

/**
 * Writes a row only if it is not older than what is stored. Deleted rows leave a tombstone
 * carrying MAX revision (ids are UUIDs and never come back), so a late re-read cannot
 * resurrect them.
 */
const GUARDED_SET = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local stored = tonumber(cjson.decode(current)['revision'])
  if stored and stored > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;
const TOMBSTONE_REVISION = 2 ** 31 - 1;

/**
 * The configuration a service runs with, projected from PostgreSQL into Redis and kept current
 * by `config.changed` events: every replica of every service reads the same projection, so one
 * consumer per service (a bus group) is enough and nothing needs a restart.
 *
 * The event only says what changed; the handler re-reads the row from the database, so events
 * may arrive late, twice or out of order and the projection still converges to the database.
 */
export class LiveConfig {
  constructor(
    private readonly redis: Redis,
    private readonly db: Database,
    private readonly prefix: string,
  ) {}

  private key(tenantId: string, resource: LiveResource): string {
    return `${this.prefix}:cfg:${tenantId}:${resource}`;
  }

  private async write(
    resource: LiveResource,
    tenantId: string,
    id: string,
    row: LiveRow | undefined,
  ) {
    const value = row ?? { id, tenantId, deleted: true, revision: TOMBSTONE_REVISION };
    const written = await this.redis.eval(
      GUARDED_SET,
      1,
      this.key(tenantId, resource),
      id,
      String(value.revision),
      JSON.stringify(value),
    );
    if (written === 1) await this.redis.hincrby(this.versionsKey, tenantId, 1);
  }

  private get versionsKey(): string {
    return `${this.prefix}:cfg:versions`;
  }

  /**
   * A counter per tenant that grows with every row written: a replica that did not handle the
   * `config.changed` itself polls this to know which tenants to re-read.
   */
  async versions(): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(this.versionsKey);
    return new Map(Object.entries(all).map(([tenantId, v]) => [tenantId, Number(v)]));
  }

  /** Applies one config.changed event; returns false for resources services do not run with. */
  async apply(event: EventOf<'config.changed'>): Promise<boolean> {
    const { resource, id } = event.data;
    if (!isLiveResource(resource)) return false;
    const row = await readRow(this.db, resource, event.tenantId, id);
    await this.write(resource, event.tenantId, id, row);
    return true;
  }

  /** Loads every row of the resources at start-up (rows changed meanwhile are guarded). */
  async syncAll(resources: readonly LiveResource[]): Promise<number> {
    let count = 0;
    for (const resource of resources) {
      for (const row of await readAll(this.db, resource)) {
        await this.write(resource, row.tenantId, row.id, row);
        count++;
      }
    }
    return count;
  }

  async get(tenantId: string, resource: LiveResource, id: string): Promise<LiveRow | undefined> {
    const raw = await this.redis.hget(this.key(tenantId, resource), id);
    const row = raw ? (JSON.parse(raw) as LiveRow & { deleted?: boolean }) : undefined;
    return row && !row.deleted ? row : undefined;
  }

  /** Every tenant in the projection (deleted ones left out): whom the SBC builds settings for. */
  async tenantIds(): Promise<string[]> {
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        this.key('*', 'tenant'),
        'COUNT',
        500,
      );
      cursor = next;
      for (const key of keys) {
        const tenantId = key.slice(`${this.prefix}:cfg:`.length, -':tenant'.length);
        if (await this.get(tenantId, 'tenant', tenantId)) ids.push(tenantId);
      }
    } while (cursor !== '0');
    return ids.sort();
  }

  async list(tenantId: string, resource: LiveResource): Promise<LiveRow[]> {
    const all = await this.redis.hvals(this.key(tenantId, resource));
    return all
      .map((raw) => JSON.parse(raw) as LiveRow & { deleted?: boolean })
      .filter((row) => !row.deleted)
      .sort(
        (a, b) =>
          String(a['createdAt']).localeCompare(String(b['createdAt'])) || a.id.localeCompare(b.id),
      );
  }
}
