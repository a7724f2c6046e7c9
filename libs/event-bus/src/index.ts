export * from './types';
export * from './errors';
export { createEventBus, type EventBusOptions } from './event-bus';
export { DEFAULT_RETRY, COMPLETED_RETENTION, type RetryPolicy } from './job-options';
export { eventQueueName, commandQueueName } from './keys';
export { DEFAULT_COMMAND_TIMEOUT_MS } from './commands';
export {
  EVENT_BUS,
  EventBusModule,
  serviceFoundation,
  type EventBusModuleOptions,
} from './event-bus.module';
export * from './seq-state';
export { RedisSeqStore, type RedisSeqStoreOptions } from './seq-state-store';
export {
  presenceRegisterKey,
  readPresence,
  decodePresence,
  encodePresence,
  type RegisteredPresence,
} from './presence-register';
