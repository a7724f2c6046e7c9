export * from './tenancy';
export * from './webhooks';
export * from './m365';
