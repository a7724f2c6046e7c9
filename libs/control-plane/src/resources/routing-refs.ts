import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { agents, experts, flows, queues } from '@ccx/persistence';
import type { TenantScope } from '../persistence/tenant-scope';

/** Flows of the tenant with a node naming `id`: a queue node (`queue`) or a Teams transfer. */
export function flowsNaming(scope: TenantScope, kind: 'queue' | 'teams-user', id: string) {
  const path =
    kind === 'queue'
      ? '$.nodes.* ? (@.kind == "queue" && @.queueId == $id)'
      : '$.nodes.* ? (@.kind == "transfer" && @.target.userId == $id)';
  return scope.select(
    flows,
    sql`jsonb_path_exists(${flows.definition}, ${path}::jsonpath, jsonb_build_object('id', ${id}::text))`,
    1,
  );
}

/** Flows of the tenant whose `set` nodes give a skill. */
export function flowsSettingSkill(scope: TenantScope, skillId: string) {
  return scope.select(
    flows,
    sql`jsonb_path_exists(${flows.definition}, '$.nodes.*.skills[*] ? (@.skillId == $id)'::jsonpath, jsonb_build_object('id', ${skillId}::text))`,
    1,
  );
}

/** The Teams user ids among `ids` that are neither an agent's teamsUserId nor an expert's userId. */
export async function unknownTeamsUsers(
  scope: TenantScope,
  ids: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Set();
  // One after the other: inside a transaction every query shares one connection.
  const agentRows = await scope.select(agents, inArray(agents.teamsUserId, wanted), wanted.length);
  const expertRows = await scope.select(experts, inArray(experts.userId, wanted), wanted.length);
  const known = new Set<string>([
    ...agentRows.map((a) => String(a.teamsUserId)),
    ...expertRows.map((e) => e.userId),
  ]);
  return new Set(wanted.filter((id) => !known.has(id)));
}

/**
 * Why a prompt cannot be played, or undefined when `dir/name` is a file. Names are checked by
 * `promptName` of @ccx/routing-model (no path separators) before they get here.
 */
export function promptProblem(dir: string, name: string): string | undefined {
  const where = resolve(dir);
  if (!existsSync(where))
    return `prompt "${name}" was not found in ${where} (the directory does not exist; set API_PROMPT_DIR)`;
  const file = join(where, name);
  if (!existsSync(file) || !statSync(file).isFile())
    return `prompt "${name}" was not found in ${where}`;
  return undefined;
}

/**
 * What still names Teams user `userId` (a queue's overflow or a flow's transfer) once the agent
 * or expert in `except` stops carrying it; undefined when nothing does, or another agent or expert
 * of the tenant still carries it.
 */
export async function teamsUserInUse(
  scope: TenantScope,
  userId: string,
  except: { agentId?: string; expertId?: string },
): Promise<string | undefined> {
  const agentRows = await scope.select(
    agents,
    and(eq(agents.teamsUserId, userId), except.agentId ? ne(agents.id, except.agentId) : undefined),
    1,
  );
  const expertRows = await scope.select(
    experts,
    and(eq(experts.userId, userId), except.expertId ? ne(experts.id, except.expertId) : undefined),
    1,
  );
  if (agentRows.length || expertRows.length) return undefined;
  const [queue] = await scope.select(
    queues,
    sql`${queues.overflow}->>'kind' = 'teams-user' and ${queues.overflow}->>'target' = ${userId}`,
    1,
  );
  if (queue) return `the overflow of queue "${queue.name}"`;
  const [flow] = await flowsNaming(scope, 'teams-user', userId);
  if (flow) return `flow "${flow.name}"`;
  return undefined;
}
