import type { Body, FixtureContext, QueryRouteFixture } from './fixtures';
import type { RoutingStub } from './routing-stub';

/**
 * Cross-tenant fixtures of the routing routes (Erlang C and the runtime endpoints). The runtime
 * routes need a routing service: the suite runs the stub of routing-stub.ts, and the objects
 * only the routing service knows (reservations, calls) are registered there for their tenant.
 */

/** POST routes that compute and store nothing: a valid body (no collection behind them). */
export const calculatorBodies: Record<string, Body> = {
  '/v1/erlang-c': {
    arrivals: 100,
    intervalSeconds: 1800,
    ahtSeconds: 180,
    thresholdSeconds: 20,
    targetServiceLevel: 0.8,
  },
};

/** Tenant GET routes without a collection: a valid query (no query names another object). */
export const routingQueryRoutes: Record<string, QueryRouteFixture> = {
  '/v1/queue-stats': { query: () => ({}), foreign: () => [] },
  '/v1/expert-search': { query: () => ({ topic: 'billing' }), foreign: () => [] },
};

/** Bodies of PUT and POST routes on an object, by `METHOD /path`. */
export const routingActionBodies: Record<string, Body> = {
  'PUT /v1/agents/{id}/state': { state: 'available' },
  'POST /v1/calls/{callId}/expert-transfer': { topic: 'billing' },
  'POST /v1/calls/{callId}/callback': {},
};

/** Path parameters naming objects the routing service holds for the tenant. */
export function routingParameterFixtures(
  stub: () => RoutingStub,
): Record<string, (ctx: FixtureContext) => Promise<Record<string, string>>> {
  const reservation = async (ctx: FixtureContext) => {
    const reservationId = `res-${ctx.tenantId}`;
    stub().world.reservations.set(reservationId, ctx.tenantId);
    return { reservationId };
  };
  const call = async (ctx: FixtureContext) => {
    const callId = `call-${ctx.tenantId}`;
    stub().world.calls.set(callId, ctx.tenantId);
    return { callId };
  };
  return {
    '/v1/offers/{reservationId}/accept': reservation,
    '/v1/offers/{reservationId}/reject': reservation,
    '/v1/calls/{callId}/expert-transfer': call,
    '/v1/calls/{callId}/callback': call,
  };
}
