/**
 * A user's presence as Graph aggregates it from presence sessions (each Teams client, each app's
 * setPresence session) and the user's preferred presence.
 * https://learn.microsoft.com/graph/api/presence-setpresence (sessions, precedence, timeouts)
 * https://learn.microsoft.com/graph/api/presence-setuserpreferredpresence
 * https://learn.microsoft.com/graph/api/resources/presence
 */

/** setPresence: the documented availability/activity pairs of an app's session. */
export const SESSION_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['Available', 'Available'],
  ['Busy', 'InACall'],
  ['Busy', 'InAConferenceCall'],
  ['Away', 'Away'],
  ['DoNotDisturb', 'Presenting'],
];

/** setUserPreferredPresence: the documented pairs. */
export const PREFERRED_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['Available', 'Available'],
  ['Busy', 'Busy'],
  ['DoNotDisturb', 'DoNotDisturb'],
  ['BeRightBack', 'BeRightBack'],
  ['Away', 'Away'],
  ['Offline', 'OffWork'],
];

export const isPair = (
  pairs: ReadonlyArray<readonly [string, string]>,
  availability: unknown,
  activity: unknown,
): boolean => pairs.some(([a, b]) => a === availability && b === activity);

const MINUTE = 60_000;
/** An Available app session fades after 5 minutes without a refresh, then again after 5 more. */
export const SESSION_TIMEOUT_MS = 5 * MINUTE;
export const SESSION_MIN_EXPIRY_MS = 5 * MINUTE;
export const SESSION_MAX_EXPIRY_MS = 240 * MINUTE;

/**
 * Aggregation among sessions: DoNotDisturb > Busy > Available > Away (documented); the idle and
 * BeRightBack states, which the page does not rank, sit next to their neighbours.
 */
const RANK: Record<string, number> = {
  DoNotDisturb: 70,
  Busy: 60,
  BusyIdle: 50,
  Available: 40,
  AvailableIdle: 30,
  BeRightBack: 20,
  Away: 10,
};

/** ISO 8601 duration (PnDTnHnMnS, no years or months) in ms; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * MINUTE + Number(s) * 1000;
}

export interface PresenceState {
  availability: string;
  activity: string;
}

interface Session extends PresenceState {
  /** A Teams client of the user, or an app's setPresence session (keyed by the app id). */
  kind: 'client' | 'app';
  /** Last time the session was set (an app keeps it from fading by setting it again). */
  setAt: number;
  /** App sessions expire (then count as Offline, i.e. gone); client sessions last until ended. */
  expiresAt?: number;
}

interface Preferred extends PresenceState {
  expiresAt: number;
}

/** One user's sessions and preferred presence; `current(now)` is what Graph shows. */
export class UserPresence {
  private readonly sessions = new Map<string, Session>();
  private preferred: Preferred | undefined;
  statusMessage: string | null = null;

  constructor(
    readonly userId: string,
    readonly tenantId: string,
  ) {}

  setClient(clientId: string, state: PresenceState, now: number): void {
    this.sessions.set(`client:${clientId}`, { kind: 'client', ...state, setAt: now });
  }

  endClient(clientId?: string): void {
    for (const key of [...this.sessions.keys()]) {
      if (clientId === undefined ? key.startsWith('client:') : key === `client:${clientId}`) {
        this.sessions.delete(key);
      }
    }
  }

  setAppSession(appId: string, state: PresenceState, now: number, expiryMs: number): void {
    this.sessions.set(`app:${appId}`, {
      kind: 'app',
      ...state,
      setAt: now,
      expiresAt: now + expiryMs,
    });
  }

  clearAppSession(appId: string): boolean {
    return this.sessions.delete(`app:${appId}`);
  }

  setPreferred(state: PresenceState, now: number, expiryMs: number): void {
    this.preferred = { ...state, expiresAt: now + expiryMs };
  }

  clearPreferred(): void {
    this.preferred = undefined;
  }

  /** Whether time alone can still change this user's presence (for the expiry sweep). */
  hasTimers(): boolean {
    if (this.preferred) return true;
    for (const s of this.sessions.values()) if (s.kind === 'app') return true;
    return false;
  }

  current(now: number): PresenceState {
    this.dropExpired(now);
    const live = [...this.sessions.values()].map((s) => ({ ...fade(s, now), setAt: s.setAt }));
    if (live.length === 0) return { availability: 'Offline', activity: 'Offline' };
    if (this.preferred) {
      return { availability: this.preferred.availability, activity: this.preferred.activity };
    }
    live.sort(
      (a, b) => (RANK[b.availability] ?? 0) - (RANK[a.availability] ?? 0) || b.setAt - a.setAt,
    );
    const top = live[0];
    return top
      ? { availability: top.availability, activity: top.activity }
      : { availability: 'Offline', activity: 'Offline' };
  }

  private dropExpired(now: number): void {
    for (const [key, s] of this.sessions) {
      if (s.expiresAt !== undefined && s.expiresAt <= now) this.sessions.delete(key);
    }
    if (this.preferred && this.preferred.expiresAt <= now) this.preferred = undefined;
  }
}

/**
 * An Available app session not refreshed for 5 minutes shows Available/AvailableInactive, and
 * Away/Away after 5 more (the documented example); other states and client sessions do not fade.
 */
function fade(session: Session, now: number): PresenceState {
  if (session.kind !== 'app' || session.availability !== 'Available') return session;
  const idle = now - session.setAt;
  if (idle >= 2 * SESSION_TIMEOUT_MS) return { availability: 'Away', activity: 'Away' };
  if (idle >= SESSION_TIMEOUT_MS)
    return { availability: 'Available', activity: 'AvailableInactive' };
  return session;
}
