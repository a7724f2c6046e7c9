import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { agentEvents } from './agent';
import { callEvents } from './call';
import { interactionEvents } from './interaction';
import { platformEvents } from './platform';
import { queueEvents } from './queue';

/**
 * Every event that crosses a process boundary. The keys are wire names: they are stored in
 * Redis, sent to partners' webhooks and used as queue names. Never rename one; add a new name
 * or bump `version` instead.
 */
export const eventCatalogue = {
  ...callEvents,
  ...interactionEvents,
  ...agentEvents,
  ...platformEvents,
  ...queueEvents,
} as const;

export type EventCatalogue = typeof eventCatalogue;
export type EventName = keyof EventCatalogue;
export type EventData<N extends EventName> = z.output<EventCatalogue[N]['data']>;
export type EventInput<N extends EventName> = z.input<EventCatalogue[N]['data']>;

/** A complete event: envelope plus the typed payload of its name. */
export type EventOf<N extends EventName> = Omit<z.infer<typeof envelopeSchema>, 'name'> & {
  name: N;
  data: EventData<N>;
};
export type AnyEvent = { [N in EventName]: EventOf<N> }[EventName];

export const eventNames = Object.keys(eventCatalogue) as EventName[];

export function isEventName(value: string): value is EventName {
  return Object.prototype.hasOwnProperty.call(eventCatalogue, value);
}

/** The stream an event travels on: the part of its name before the first dot. */
export function streamOf(name: EventName): string {
  return name.slice(0, name.indexOf('.'));
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

// Built once: constructing a zod schema costs ~100 µs, parsing with it ~2 µs (event bus hot path).
const envelopeWithData = envelopeSchema.extend({ data: z.unknown() });

/** Validates an untrusted object as an event of the catalogue (envelope and payload). */
export function parseEvent(input: unknown): ParseResult<AnyEvent> {
  const env = envelopeWithData.safeParse(input);
  if (!env.success) return { ok: false, error: z.prettifyError(env.error) };
  const { name } = env.data;
  if (!isEventName(name)) return { ok: false, error: `unknown event name "${name}"` };
  const entry = eventCatalogue[name];
  if (env.data.version !== entry.version) {
    return { ok: false, error: `${name} version ${env.data.version} is not ${entry.version}` };
  }
  if (entry.callScoped && !env.data.callId) {
    return { ok: false, error: `${name} is call-scoped and needs callId` };
  }
  const data = entry.data.safeParse(env.data.data);
  if (!data.success) return { ok: false, error: `${name}: ${z.prettifyError(data.error)}` };
  return { ok: true, value: { ...env.data, name, data: data.data } as AnyEvent };
}
