/**
 * Which presence subscriptions a tenant needs for the users it tracks. A subscription's resource
 * (its list of ≤ 650 ids) cannot be changed after creation, so users who are added get new
 * subscriptions, users who leave stay in theirs (their notifications are ignored), and when that
 * leaves more subscriptions than the minimum plus `slack`, the emptiest ones are rebuilt into full
 * ones (the new ones are made before the old ones are deleted).
 * https://learn.microsoft.com/graph/api/subscription-update (only expirationDateTime and
 * notificationUrl can be updated)
 */
export interface ExistingSubscription {
  id: string;
  userIds: ReadonlySet<string>;
}

export interface SubscriptionPlan {
  /** Subscriptions to create, each a list of ≤ max user ids. */
  create: string[][];
  /** Subscriptions to delete once the new ones exist. */
  remove: string[];
}

export function planSubscriptions(
  existing: readonly ExistingSubscription[],
  wanted: ReadonlySet<string>,
  max = 650,
  slack = 1,
): SubscriptionPlan {
  const remove: string[] = [];
  const kept: { id: string; live: number }[] = [];
  const coveredBy = new Map<string, string>();
  for (const sub of existing) {
    let live = 0;
    for (const id of sub.userIds) {
      if (wanted.has(id) && !coveredBy.has(id)) {
        live++;
        coveredBy.set(id, sub.id);
      }
    }
    if (live === 0) remove.push(sub.id);
    else kept.push({ id: sub.id, live });
  }
  const uncovered = [...wanted].filter((id) => !coveredBy.has(id));
  const minimum = Math.ceil(wanted.size / max);
  kept.sort((a, b) => a.live - b.live);
  // Rebuild the emptiest subscriptions while there are more than the minimum plus slack.
  while (kept.length > 0 && kept.length + Math.ceil(uncovered.length / max) > minimum + slack) {
    const emptiest = kept.shift();
    if (!emptiest) break;
    remove.push(emptiest.id);
    for (const [id, subId] of coveredBy) {
      if (subId !== emptiest.id) continue;
      coveredBy.delete(id);
      uncovered.push(id);
    }
  }
  const create: string[][] = [];
  for (let i = 0; i < uncovered.length; i += max) create.push(uncovered.slice(i, i + max));
  return { create, remove };
}
