// Routing configuration shared by the API (which validates and stores it) and the routing service
// (which runs it): queues, virtual-assistant flows, Erlang C staffing maths and the figures of
// historical intervals. Plain TypeScript.
// docs/routing.md.
export * from './queue';
export * from './flow';
export * from './erlang-c';
export * from './interval-figures';
