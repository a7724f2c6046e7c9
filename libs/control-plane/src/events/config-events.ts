import type { EventInput } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import type { UnitOfWork } from '../persistence/unit-of-work';

export type ConfigChange = EventInput<'config.changed'>;
export type ConfigResource = ConfigChange['resource'];

/** The part of the event bus the control plane uses. */
export type ConfigEventBus = Pick<EventBus, 'publish'>;

/**
 * Publishes `config.changed` once the change is committed (never for a rolled-back one), so a
 * service that re-reads the object on the event always sees the new state.
 */
export class ConfigEvents {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly bus: ConfigEventBus | undefined,
  ) {}

  changed(tenantId: string, change: ConfigChange): void {
    const bus = this.bus;
    if (!bus) return;
    this.uow.afterCommit(async () => {
      await bus.publish('config.changed', { tenantId, data: change });
    });
  }
}
