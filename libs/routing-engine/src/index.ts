// Routing engine (issue 5): who gets the next interaction (selection), atomic agent reservations
// in Redis (reservations), and queue statistics with Erlang C (stats). Plain TypeScript; the
// routing app wires it to the bus. docs/routing.md.
export * from './selection';
export * from './reservations';
export * from './stats';
