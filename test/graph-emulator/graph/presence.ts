import { z } from 'zod';
import type { EmulatorContext } from '../context';
import type { EmulatedUser } from '../directory';
import { authorize, type Caller, type Permissions } from './auth';
import {
  badRequest,
  graphError,
  notFound,
  ok,
  type GraphRequest,
  type GraphResponse,
} from './http';
import {
  isPair,
  parseDuration,
  PREFERRED_PAIRS,
  SESSION_MAX_EXPIRY_MS,
  SESSION_MIN_EXPIRY_MS,
  SESSION_PAIRS,
} from './presence-model';
import type { PresenceStore, PresenceView } from './presence-store';
import type { Route } from './router';

/**
 * Presence endpoints, each with the permissions its page lists.
 * https://learn.microsoft.com/graph/api/presence-get
 * https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid
 * https://learn.microsoft.com/graph/api/presence-setpresence
 * https://learn.microsoft.com/graph/api/presence-clearpresence
 * https://learn.microsoft.com/graph/api/presence-setuserpreferredpresence
 * https://learn.microsoft.com/graph/api/presence-clearuserpreferredpresence
 */
const READ: Permissions = {
  delegated: ['Presence.Read.All'],
  application: ['Presence.Read.All', 'Presence.ReadWrite.All'],
};
const READ_ME: Permissions = { delegated: ['Presence.Read', 'Presence.Read.All'], application: [] };
const WRITE: Permissions = {
  delegated: ['Presence.ReadWrite'],
  application: ['Presence.ReadWrite.All'],
};

export const GET_PRESENCES_MAX_IDS = 650;
const DAY = 24 * 3600_000;

const setPresenceBody = z.object({
  sessionId: z.string().min(1),
  availability: z.string().min(1),
  activity: z.string().min(1),
  expirationDuration: z.string().optional(),
});
const clearPresenceBody = z.object({ sessionId: z.string().min(1) });
const preferredBody = z.object({
  availability: z.string().min(1),
  activity: z.string().min(1),
  expirationDuration: z.string().optional(),
});
const idsBody = z.object({ ids: z.array(z.string()) });

export class PresenceApi {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly store: PresenceStore,
  ) {}

  routes(): Route[] {
    const action = (name: string) =>
      new RegExp(
        `^\\/(?:users\\/([^/]+)\\/presence|communications\\/presences\\/([^/]+))\\/${name}$`,
      );
    return [
      { method: 'GET', pattern: /^\/me\/presence$/, handler: (r, c) => this.getMe(r, c) },
      {
        method: 'GET',
        pattern: /^\/(?:users\/([^/]+)\/presence|communications\/presences\/([^/]+))$/,
        handler: (r, c, [a, b]) => this.get(r, c, a || b || ''),
      },
      {
        method: 'POST',
        pattern: /^\/communications\/getPresencesByUserId$/,
        handler: (r, c) => this.getMany(r, c),
      },
      {
        method: 'POST',
        pattern: action('setPresence'),
        handler: (r, c, [a, b]) => this.set(r, c, a || b || ''),
      },
      {
        method: 'POST',
        pattern: action('clearPresence'),
        handler: (r, c, [a, b]) => this.clear(r, c, a || b || ''),
      },
      {
        method: 'POST',
        pattern: action('setUserPreferredPresence'),
        handler: (r, c, [a, b]) => this.setPreferred(r, c, a || b || ''),
      },
      {
        method: 'POST',
        pattern: action('clearUserPreferredPresence'),
        handler: (_r, c, [a, b]) => this.clearPreferred(c, a || b || ''),
      },
    ];
  }

  private getMe(req: GraphRequest, caller: Caller): GraphResponse {
    if (caller.kind !== 'user' || !caller.userId) {
      return badRequest('/me request is only valid with delegated authentication flow.');
    }
    const denied = authorize(caller, READ_ME);
    if (denied) return denied;
    const user = this.ctx.directory.findUser(caller.tenantId, caller.userId);
    if (!user) return notFound(`The signed-in user '${caller.userId}' does not exist.`);
    return ok(this.json(req, this.store.refresh(user.id, user.tenantId)));
  }

  private get(req: GraphRequest, caller: Caller, id: string): GraphResponse {
    const self = caller.kind === 'user' && caller.userId === id;
    const denied = authorize(caller, self ? { ...READ, delegated: READ_ME.delegated } : READ);
    if (denied) return denied;
    const user = this.user(caller, id);
    if ('status' in user) return user;
    return ok(this.json(req, this.store.refresh(user.id, user.tenantId)));
  }

  /** Unknown ids and users of other tenants are left out of the answer. */
  private getMany(req: GraphRequest, caller: Caller): GraphResponse {
    const denied = authorize(caller, READ);
    if (denied) return denied;
    const body = idsBody.safeParse(req.body);
    if (!body.success || body.data.ids.length === 0) {
      return badRequest('ids must be a non-empty array of user ids.');
    }
    if (body.data.ids.length > GET_PRESENCES_MAX_IDS) {
      return badRequest(`The number of ids must not exceed ${GET_PRESENCES_MAX_IDS}.`);
    }
    const value: Record<string, unknown>[] = [];
    for (const id of new Set(body.data.ids)) {
      const user = this.ctx.directory.findUser(caller.tenantId, id);
      if (user) value.push(this.fields(this.store.refresh(user.id, user.tenantId)));
    }
    return ok({ '@odata.context': `${this.base(req)}/$metadata#Collection(presence)`, value });
  }

  private set(req: GraphRequest, caller: Caller, id: string): GraphResponse {
    const target = this.writable(caller, id);
    if ('status' in target) return target;
    const body = setPresenceBody.safeParse(req.body);
    if (!body.success) return badRequest('sessionId, availability and activity are required.');
    const b = body.data;
    if (b.sessionId !== caller.appId) {
      return badRequest('sessionId must be the id of the calling application.');
    }
    if (!isPair(SESSION_PAIRS, b.availability, b.activity)) {
      return badRequest(
        `The combination of availability '${b.availability}' and activity '${b.activity}' is not supported.`,
      );
    }
    const expiry =
      b.expirationDuration === undefined
        ? SESSION_MIN_EXPIRY_MS
        : parseDuration(b.expirationDuration);
    if (expiry === undefined || expiry < SESSION_MIN_EXPIRY_MS || expiry > SESSION_MAX_EXPIRY_MS) {
      return badRequest('expirationDuration must be an ISO 8601 duration from PT5M to PT4H.');
    }
    const now = this.ctx.clock.now();
    this.store
      .user(target.id, target.tenantId)
      .setAppSession(
        caller.appId,
        { availability: b.availability, activity: b.activity },
        now,
        expiry,
      );
    this.store.refresh(target.id, target.tenantId);
    return ok(undefined);
  }

  private clear(req: GraphRequest, caller: Caller, id: string): GraphResponse {
    const target = this.writable(caller, id);
    if ('status' in target) return target;
    const body = clearPresenceBody.safeParse(req.body);
    if (!body.success) return badRequest('sessionId is required.');
    if (body.data.sessionId !== caller.appId) {
      return badRequest('sessionId must be the id of the calling application.');
    }
    this.store.user(target.id, target.tenantId).clearAppSession(caller.appId);
    this.store.refresh(target.id, target.tenantId);
    return ok(undefined);
  }

  private setPreferred(req: GraphRequest, caller: Caller, id: string): GraphResponse {
    const target = this.writable(caller, id);
    if ('status' in target) return target;
    const body = preferredBody.safeParse(req.body);
    if (!body.success) return badRequest('availability and activity are required.');
    const b = body.data;
    if (!isPair(PREFERRED_PAIRS, b.availability, b.activity)) {
      return badRequest(
        `The combination of availability '${b.availability}' and activity '${b.activity}' is not supported.`,
      );
    }
    // Defaults: 1 day for DoNotDisturb and Busy, 7 days for the others.
    const fallback = ['DoNotDisturb', 'Busy'].includes(b.availability) ? DAY : 7 * DAY;
    const expiry =
      b.expirationDuration === undefined ? fallback : parseDuration(b.expirationDuration);
    if (expiry === undefined || expiry <= 0) {
      return badRequest('expirationDuration must be a positive ISO 8601 duration.');
    }
    this.store
      .user(target.id, target.tenantId)
      .setPreferred(
        { availability: b.availability, activity: b.activity },
        this.ctx.clock.now(),
        expiry,
      );
    this.store.refresh(target.id, target.tenantId);
    return ok(undefined);
  }

  private clearPreferred(caller: Caller, id: string): GraphResponse {
    const target = this.writable(caller, id);
    if ('status' in target) return target;
    this.store.user(target.id, target.tenantId).clearPreferred();
    this.store.refresh(target.id, target.tenantId);
    return ok(undefined);
  }

  /** Writes need Presence.ReadWrite(.All); a delegated token may only write its own user's. */
  private writable(caller: Caller, id: string): EmulatedUser | GraphResponse {
    const denied = authorize(caller, WRITE);
    if (denied) return denied;
    const user = this.user(caller, id);
    if ('status' in user) return user;
    if (caller.kind === 'user' && caller.userId !== user.id) {
      return graphError(
        403,
        'Forbidden',
        "A delegated token may only change the signed-in user's presence.",
      );
    }
    return user;
  }

  /** A user of the caller's tenant, by id or UPN; 404 for anyone else (other tenants included). */
  private user(caller: Caller, id: string): EmulatedUser | GraphResponse {
    const user = this.ctx.directory.findUser(caller.tenantId, id);
    return user ?? notFound(`The user '${id}' was not found.`);
  }

  private base(req: GraphRequest): string {
    return `${this.ctx.baseUrl}/${req.version}`;
  }

  private json(req: GraphRequest, view: PresenceView): Record<string, unknown> {
    return {
      '@odata.context': `${this.base(req)}/$metadata#users('${view.id}')/presence/$entity`,
      ...this.fields(view),
    };
  }

  private fields(view: PresenceView): Record<string, unknown> {
    return {
      id: view.id,
      availability: view.availability,
      activity: view.activity,
      statusMessage:
        view.statusMessage === null
          ? null
          : { message: { content: view.statusMessage, contentType: 'text' } },
      sequenceNumber: view.sequenceNumber,
    };
  }
}
