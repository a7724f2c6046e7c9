import type { Redis } from 'ioredis';
import type { AgentChange } from './types';

/** Pub/sub channel on which every reservation script publishes the agents it changed. */
export const agentChangesChannel = (prefix: string) => `${prefix}:agent-changes`;

const STATES = new Set<string>([
  'logged-out',
  'available',
  'not-ready',
  'reserved',
  'busy',
  'wrap-up',
]);
const MANUAL = new Set<string>(['logged-out', 'available', 'not-ready']);

type Fields = Record<string, unknown>;
const text = (o: Fields, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const count = (o: Fields, k: string) =>
  typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : undefined;
function perChannel(o: Fields, k: string): { voice: number; chat: number } | undefined {
  const v = o[k];
  if (typeof v !== 'object' || v === null) return undefined;
  const voice = count(v as Fields, 'voice');
  const chat = count(v as Fields, 'chat');
  return voice === undefined || chat === undefined ? undefined : { voice, chat };
}

/**
 * Parses one message of the channel; null if it is not an agent change. Checked field by field
 * rather than with a zod schema: every replica parses every change of every agent (thousands a
 * second under load), and this check costs a fraction of the schema's.
 */
export function parseAgentChange(message: string): AgentChange | null {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const o = json as Fields;
  const tenantId = text(o, 'tenantId');
  const agentId = text(o, 'agentId');
  const state = text(o, 'state');
  const manualState = text(o, 'manualState');
  const version = count(o, 'version');
  const active = perChannel(o, 'active');
  const reserved = perChannel(o, 'reserved');
  const capacity = perChannel(o, 'capacity');
  const idleSince = count(o, 'idleSince');
  const missedOffers = count(o, 'missedOffers');
  const reason = text(o, 'reason');
  const presence = text(o, 'presence');
  if (
    !tenantId ||
    !agentId ||
    !state ||
    !STATES.has(state) ||
    !manualState ||
    !MANUAL.has(manualState) ||
    version === undefined ||
    !Number.isInteger(version) ||
    !active ||
    !reserved ||
    !capacity ||
    idleSince === undefined ||
    missedOffers === undefined ||
    !Number.isInteger(missedOffers) ||
    reason === undefined ||
    presence === undefined
  )
    return null;
  return {
    tenantId,
    agentId,
    state: state as AgentChange['state'],
    manualState: manualState as AgentChange['manualState'],
    reason,
    version,
    active,
    reserved,
    capacity,
    idleSince,
    missedOffers,
    presence,
    origin: text(o, 'origin') ?? '',
  };
}

export interface AgentChangesSubscription {
  close(): Promise<void>;
}

/**
 * Calls `handler` with every agent change published under `prefix`, from the moment the
 * returned promise resolves. `subscriber` must be a connection reserved for pub/sub (it is put in
 * subscriber mode); messages that do not parse go to `onInvalid`. Pub/sub is at-most-once: a
 * mirror built from it should reload an agent (getAgent) when it sees a gap in its versions, and
 * everything after a reconnect.
 */
export async function subscribeAgentChanges(
  subscriber: Redis,
  prefix: string,
  handler: (change: AgentChange) => void,
  onInvalid: (message: string) => void = () => undefined,
): Promise<AgentChangesSubscription> {
  const channel = agentChangesChannel(prefix);
  const listener = (from: string, message: string) => {
    if (from !== channel) return;
    const change = parseAgentChange(message);
    if (change) handler(change);
    else onInvalid(message);
  };
  // Connected and past ioredis's ready check before subscribing: a SUBSCRIBE sent while the
  // connection is still being set up can leave it in subscriber mode when the ready check runs.
  await subscriber.ping();
  subscriber.on('message', listener);
  try {
    await subscriber.subscribe(channel);
  } catch (err) {
    subscriber.off('message', listener);
    throw err;
  }
  return {
    async close() {
      subscriber.off('message', listener);
      await subscriber.unsubscribe(channel);
    },
  };
}
