export * from './tokens';
export * from './bootstrap';
export * from './health-registry';
export * from './service-kit.module';
export * from './nest-logger';
export * from './run-service';
