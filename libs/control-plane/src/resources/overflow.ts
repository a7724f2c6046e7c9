import type { OverflowAction } from '@ccx/routing-model';
import { queues } from '@ccx/persistence';
import { E164_PATTERN } from '../numbering/e164-range';
import type { TenantScope } from '../persistence/tenant-scope';
import { fieldProblem } from '../problem/problem';
import { unknownTeamsUsers } from './routing-refs';

const MAX_OVERFLOW_HOPS = 32;
const FIELD = 'overflow.target';

/** The queue a stored queue overflows into, if it overflows into one. */
const nextQueue = (row: { overflow: OverflowAction } | undefined): string | null =>
  row?.overflow.kind === 'queue' ? (row.overflow.target ?? null) : null;

/** Follows overflow links from `start`; true when they come back to `id`. */
async function overflowLoops(scope: TenantScope, id: string, start: string): Promise<boolean> {
  let current: string | null = start;
  for (let hop = 0; current && hop < MAX_OVERFLOW_HOPS; hop++) {
    if (current === id) return true;
    current = nextQueue(await scope.get(queues, current));
  }
  return false;
}

/**
 * The overflow target must be reachable: a queue of the tenant that does not lead back to this
 * one, an E.164 number, or a Teams user the tenant knows (agent or expert). `id`: the queue being
 * updated (none on create).
 */
export async function checkOverflow(
  scope: TenantScope,
  overflow: OverflowAction,
  id: string | undefined,
): Promise<void> {
  const target = overflow.target;
  if (target === undefined) return;
  switch (overflow.kind) {
    case 'queue':
      if (target === id) throw fieldProblem(FIELD, 'a queue cannot overflow into itself');
      if ((await scope.missingIds(queues, [target])).length)
        throw fieldProblem(FIELD, `no queue with id "${target}"`);
      if (id && (await overflowLoops(scope, id, target)))
        throw fieldProblem(FIELD, 'the overflow chain would loop back to this queue');
      return;
    case 'number':
      if (!E164_PATTERN.test(target))
        throw fieldProblem(FIELD, 'an E.164 number such as +4930123456');
      return;
    case 'teams-user':
      if ((await unknownTeamsUsers(scope, [target])).size)
        throw fieldProblem(FIELD, `no agent or expert with Teams user id "${target}"`);
      return;
    default:
      return;
  }
}
