import type { EmulatorClock } from '../clock';
import { UserPresence } from './presence-model';

/** A user's presence as Graph returns it (and as rich notifications carry it). */
export interface PresenceView {
  id: string;
  tenantId: string;
  availability: string;
  activity: string;
  statusMessage: string | null;
  /** Grows on every change; fixed width, so it sorts lexicographically. */
  sequenceNumber: string;
}

/**
 * Every user's presence. Any change of what Graph shows (an API call, a Teams client, or time:
 * fading, session and preferred-presence expiry) gets a new sequence number and is reported to
 * `onChange` once, whether a read or the sweep noticed it first.
 */
export class PresenceStore {
  private readonly users = new Map<string, UserPresence>();
  private readonly shown = new Map<string, PresenceView>();
  /** Users whose presence time alone can change (app sessions, preferred presence). */
  private readonly timed = new Set<UserPresence>();
  private sequence = 0;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly onChange: (view: PresenceView) => void,
  ) {}

  /** The user's sessions, to change them; call `refresh` afterwards. */
  user(userId: string, tenantId: string): UserPresence {
    let p = this.users.get(userId);
    if (!p) {
      p = new UserPresence(userId, tenantId);
      this.users.set(userId, p);
      // Before anything happened, a user shows Offline (no session).
      this.shown.set(userId, {
        id: userId,
        tenantId,
        availability: 'Offline',
        activity: 'Offline',
        statusMessage: null,
        sequenceNumber: this.next(),
      });
    }
    return p;
  }

  /** What Graph shows for the user now, reporting a change if there was one. */
  refresh(userId: string, tenantId: string): PresenceView {
    const p = this.user(userId, tenantId);
    const state = p.current(this.clock.now());
    if (p.hasTimers()) this.timed.add(p);
    else this.timed.delete(p);
    const before = this.shown.get(userId);
    if (
      before &&
      before.availability === state.availability &&
      before.activity === state.activity &&
      before.statusMessage === p.statusMessage
    ) {
      return before;
    }
    const view: PresenceView = {
      id: userId,
      tenantId,
      ...state,
      statusMessage: p.statusMessage,
      sequenceNumber: this.next(),
    };
    this.shown.set(userId, view);
    this.onChange(view);
    return view;
  }

  private next(): string {
    return String(++this.sequence).padStart(20, '0');
  }

  /** Re-evaluates users whose presence can change with time alone. */
  sweep(): void {
    for (const p of [...this.timed]) this.refresh(p.userId, p.tenantId);
  }
}
