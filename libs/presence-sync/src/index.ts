export * from './presence-state';
export * from './subscription-plan';
export * from './tenant-sync';
export * from './write-back';
export * from './notification-intake';
export * from './presence-runtime';
