import type { PresenceSession } from '@ccx/graph';

/**
 * Contact-center state written back to Teams: while an agent is on a contact-center call, our
 * application's presence session for the user says Busy / InACall; it is refreshed before it
 * expires and cleared when the call ends. It is a session of our app (sessionId = our client id),
 * never the user's preferred presence, so whatever the user set themselves (Do not disturb, Appear
 * away) still wins, as Graph aggregates preferred presence above every session.
 * https://learn.microsoft.com/graph/api/presence-setpresence
 * https://learn.microsoft.com/graph/api/presence-clearpresence
 */
export interface WriteBackGraph {
  setPresence(userId: string, session: PresenceSession): Promise<void>;
  clearPresence(userId: string, sessionId: string): Promise<void>;
}

export interface WriteBackOptions {
  /** Our application (client) id: Graph requires it as the sessionId. */
  sessionId: string;
  /** Session expiry, PT5M..PT4H. Default 15 minutes. */
  expirationMinutes?: number;
  /** Refresh when less than this is left. Default 5 minutes. */
  refreshBeforeMs?: number;
  now?: () => number;
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

interface Session {
  expiresAt: number;
  /** The state change that made it, so a late older change does not clear a newer session. */
  version: number;
}

export class PresenceWriteBack {
  private readonly sessions = new Map<string, Session>();
  private readonly versions = new Map<string, number>();
  private readonly now: () => number;
  private readonly minutes: number;

  constructor(
    private readonly graph: WriteBackGraph,
    private readonly options: WriteBackOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.minutes = Math.min(240, Math.max(5, options.expirationMinutes ?? 15));
  }

  /** Users whose Teams presence we currently hold as Busy / InACall. */
  activeUsers(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * An agent's contact-center state changed: `onCall` true while it handles an interaction.
   * `version` is the agent.state-changed version; older changes than one applied are ignored.
   */
  async agentChanged(userId: string, onCall: boolean, version: number): Promise<void> {
    if (version < (this.versions.get(userId) ?? -1)) return;
    this.versions.set(userId, version);
    const session = this.sessions.get(userId);
    if (onCall && !session) {
      await this.set(userId, version);
    } else if (!onCall && session) {
      this.sessions.delete(userId);
      try {
        await this.graph.clearPresence(userId, this.options.sessionId);
      } catch (err) {
        // The session still expires by itself at expiresAt.
        this.problem('clearPresence failed', { userId, error: String(err) });
      }
    }
  }

  /** Refreshes sessions that would expire soon (call every minute or so). */
  async refresh(): Promise<number> {
    const before = this.options.refreshBeforeMs ?? 5 * 60_000;
    let refreshed = 0;
    for (const [userId, session] of [...this.sessions]) {
      if (session.expiresAt - this.now() > before) continue;
      await this.set(userId, session.version);
      refreshed++;
    }
    return refreshed;
  }

  private async set(userId: string, version: number): Promise<void> {
    try {
      await this.graph.setPresence(userId, {
        sessionId: this.options.sessionId,
        availability: 'Busy',
        activity: 'InACall',
        expirationDuration: `PT${this.minutes}M`,
      });
      this.sessions.set(userId, { expiresAt: this.now() + this.minutes * 60_000, version });
    } catch (err) {
      // Kept as due, so the next refresh tries again while the call lasts.
      this.sessions.set(userId, { expiresAt: 0, version });
      this.problem('setPresence failed', { userId, error: String(err) });
    }
  }

  private problem(message: string, detail: Record<string, unknown>): void {
    this.options.onProblem?.(message, detail);
  }
}
