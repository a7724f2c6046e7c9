import { counter, histogram, Registry } from '@ccx/observability';

/** Prometheus instruments of the bus; shared by every bus instance on one registry. */
export function busMetrics(registry: Registry = new Registry()) {
  return {
    published: counter(registry, 'ccx_bus_published_total', 'Events acknowledged by Redis', [
      'event',
    ]),
    handled: counter(registry, 'ccx_bus_handled_total', 'Events handled successfully', [
      'event',
      'group',
    ]),
    failed: counter(registry, 'ccx_bus_failed_total', 'Handler attempts that threw', [
      'event',
      'group',
    ]),
    deadLettered: counter(
      registry,
      'ccx_bus_dead_lettered_total',
      'Events that exhausted their attempts or failed permanently',
      ['event', 'group'],
    ),
    handleSeconds: histogram(
      registry,
      'ccx_bus_handle_duration_seconds',
      'Handler duration per event',
      ['event', 'group'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    commands: counter(registry, 'ccx_bus_commands_total', 'Commands sent, by outcome', [
      'command',
      'outcome',
    ]),
    commandSeconds: histogram(
      registry,
      'ccx_bus_command_duration_seconds',
      'Command round trip (caller side)',
      ['command'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    commandsHandled: counter(
      registry,
      'ccx_bus_commands_handled_total',
      'Commands handled, by outcome',
      ['command', 'outcome'],
    ),
  };
}

export type BusMetrics = ReturnType<typeof busMetrics>;
