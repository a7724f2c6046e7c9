import { z } from 'zod';
import { e164 } from '../envelope';

/** Caller-chosen id of one request: a retry with the same id returns the first reply unchanged. */
export const requestId = z.string().min(1).max(128);
export const callId = z.string().min(1).max(256);

/** Where the SBC should send a call: a Teams user (by number), any SIP URI, or a number via trunks. */
export const callTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('teams-user'), number: e164 }),
  z.object({ kind: z.literal('sip-uri'), uri: z.string().regex(/^sips?:/, 'a sip: or sips: URI') }),
  z.object({ kind: z.literal('number'), number: e164 }),
]);

export type CallTarget = z.output<typeof callTarget>;
