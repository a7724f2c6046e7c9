import { BusClosedError, CommandFailedError, CommandTimeoutError } from '@ccx/event-bus';
import { ApiProblem } from '../problem/problem';

// How the routing service says no (libs/routing-engine/src/runtime/commands.ts):
// - an object it does not know: a reason starting `not found` (`not found: no agent a-1`) or an
//   `unknown-*` code (`unknown-reservation`);
// - a refusal given the current state: a reply with `ok: false` / `accepted: false` and any
//   reason, or a thrown reason that is a kebab-case code, alone, before a colon
//   (`invalid-transition: busy`) or after one (`agent a-1: invalid-transition`).
// Anything else thrown is a failure of the routing service itself.
const NOT_FOUND = /^(?:not[ -]found(?=$|[:\s])|unknown-[a-z0-9-]+(?=$|:))/;
const LEADING_CODE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?=$|:)/;
const TRAILING_CODE = /: [a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const notFound = (reason: string) => new ApiProblem('not-found', reason);

/** A reply that says no (`ok: false`, `accepted: false`): 404 for unknown objects, else 409. */
export function problemFromRefusal(reason: string): ApiProblem {
  return NOT_FOUND.test(reason) ? notFound(reason) : new ApiProblem('conflict', reason);
}

/** A handler that threw: 404 or 409 for the refusals above, 502 (reason hidden) otherwise. */
export function problemFromFailure(reason: string): ApiProblem {
  if (NOT_FOUND.test(reason)) return notFound(reason);
  if (LEADING_CODE.test(reason) || TRAILING_CODE.test(reason)) {
    return new ApiProblem('conflict', reason);
  }
  return new ApiProblem('bad-gateway', 'the routing service failed');
}

export const routingUnavailable = () =>
  new ApiProblem('service-unavailable', 'the routing service did not answer');

/** Maps errors of `bus.command` to problems; anything else is rethrown (a 500 that is logged). */
export function problemFromCommandError(err: unknown): unknown {
  if (err instanceof CommandTimeoutError || err instanceof BusClosedError) {
    return routingUnavailable();
  }
  if (err instanceof CommandFailedError) return problemFromFailure(err.reason);
  return err;
}
