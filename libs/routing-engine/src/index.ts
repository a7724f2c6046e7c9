// Routing engine (issue 5): who gets the next interaction (selection), atomic agent reservations
// in Redis (reservations), queue statistics with Erlang C (stats) and the virtual-assistant flow
// interpreter (flows). Plain TypeScript; the routing app wires it to the bus. docs/routing.md.
export * from './selection';
export * from './reservations';
export * from './stats';
export * from './flows';
export * from './runtime';
