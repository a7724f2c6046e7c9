// Virtual-assistant flows: a pure interpreter that walks a caller through a flow and returns the
// actions (answer, play, timers, one outcome) for the routing app to carry out with `sbc.*`
// commands. docs/routing.md#virtual-assistant-flows.
export * from './actions';
export * from './conditions';
export * from './flow-run';
