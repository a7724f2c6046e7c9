import type { ApiFeature } from '../features';
import { WebhooksModule } from './webhooks.module';
import { webhooksOpenApi } from './webhooks.openapi';

/** Partner webhooks: subscriptions, delivery log, replay; dispatcher and worker in-process. */
export const webhooksFeature: ApiFeature = {
  module: (config) => WebhooksModule.forRoot(config),
  openapi: webhooksOpenApi,
};
