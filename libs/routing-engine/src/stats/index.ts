// Queue statistics (Erlang C is in @ccx/routing-model): live per-queue figures over a sliding window, and
// 15-minute historical intervals in the tenant's time zone. Pure functions and classes; no I/O.
export * from './realtime';
export * from './intervals';
