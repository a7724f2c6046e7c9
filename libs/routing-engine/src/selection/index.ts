// Who gets the next interaction: eligibility, ordering, routing methods, business hours and the
// per-queue decision. Pure functions; the caller passes `now`. docs/routing.md#selection.
export * from './model';
export * from './eligibility';
export * from './ordering';
export * from './methods';
export * from './hours';
export * from './queue-decision';
