export * from './presence-state';
export * from './subscription-plan';
export * from './tenant-sync';
export * from './write-back';
