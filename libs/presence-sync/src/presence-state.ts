import { compareSequence } from '@ccx/graph';

export type PresenceSource = 'notification' | 'poll';

export interface PresenceUpdate {
  userId: string;
  availability: string;
  activity: string;
  /** Graph's sequenceNumber of this presence, when the payload has one. */
  sequence?: string;
  /** When we learned it (ms): a notification's arrival or a poll's response. */
  observedAt: number;
  source: PresenceSource;
}

export interface KnownPresence {
  availability: string;
  activity: string;
  sequence?: string;
  observedAt: number;
}

export type ApplyResult = 'changed' | 'same' | 'stale';

/**
 * The last Teams presence we know per user of one tenant. An update is applied only if it is not
 * older than what we hold: by Graph's sequence number when both have one (notifications arrive out
 * of order), else by when we observed it. Only a different availability or activity is a change.
 */
export class PresenceState {
  private readonly users = new Map<string, KnownPresence>();

  get size(): number {
    return this.users.size;
  }

  get(userId: string): KnownPresence | undefined {
    return this.users.get(userId);
  }

  apply(update: PresenceUpdate): ApplyResult {
    const known = this.users.get(update.userId);
    if (known && isOlder(update, known)) return 'stale';
    const next: KnownPresence = {
      availability: update.availability,
      activity: update.activity,
      ...(update.sequence !== undefined ? { sequence: update.sequence } : {}),
      observedAt: Math.max(update.observedAt, known?.observedAt ?? 0),
    };
    this.users.set(update.userId, next);
    if (known && known.availability === update.availability && known.activity === update.activity) {
      return 'same';
    }
    return 'changed';
  }

  /** Forgets users no longer tracked (a later update for them counts as a change again). */
  forget(userId: string): void {
    this.users.delete(userId);
  }
}

function isOlder(update: PresenceUpdate, known: KnownPresence): boolean {
  if (update.sequence !== undefined && known.sequence !== undefined) {
    return compareSequence(update.sequence, known.sequence) < 0;
  }
  return update.observedAt < known.observedAt;
}
