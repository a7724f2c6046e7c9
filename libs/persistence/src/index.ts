export * as schema from './schema';
export * from './schema';
export * from './database';
export * from './embedded';
export * from './inbox';
export * from './database.module';
