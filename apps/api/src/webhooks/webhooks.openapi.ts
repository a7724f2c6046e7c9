import { z } from 'zod';
import {
  idParams,
  named,
  pageOf,
  pageQuery,
  registerRoute,
  type ApiRoute,
  type OpenApiContribution,
} from '@ccx/control-plane';
import {
  deliveriesQuerySchema,
  deliverySchema,
  pingResultSchema,
  rotateSecretSchema,
  webhookCreatedSchema,
  webhookCreateSchema,
  webhookPatchSchema,
  webhookSchema,
} from '@ccx/webhooks';

const manage = { kind: 'tenant', scope: 'webhooks:manage' } as const;
const read = { kind: 'tenant', scope: 'events:read' } as const;
const tag = 'Webhooks';
const deliveryParams = idParams.extend({
  deliveryId: z.uuid().meta({ description: 'Delivery id.' }),
});

/** The webhook routes of the OpenAPI document (served at /docs, committed as openapi.json). */
export const webhooksOpenApi: OpenApiContribution = (registry) => {
  const webhook = named('Webhook', webhookSchema);
  const created = named('WebhookCreated', webhookCreatedSchema);
  const delivery = named('WebhookDelivery', deliverySchema);
  const routes: (Omit<ApiRoute, 'tag'> & { tag?: string })[] = [
    {
      method: 'get',
      path: '/v1/webhooks',
      access: manage,
      operationId: 'listWebhooks',
      summary: 'List webhook subscriptions',
      query: pageQuery,
      response: { status: 200, description: 'One page', schema: pageOf(webhook) },
    },
    {
      method: 'post',
      path: '/v1/webhooks',
      access: manage,
      operationId: 'createWebhook',
      summary: 'Subscribe a URL to events; the signing secret is in this response only',
      body: named('WebhookCreate', webhookCreateSchema),
      idempotent: true,
      response: { status: 201, description: 'Created, with its secret', schema: created },
    },
    {
      method: 'get',
      path: '/v1/webhooks/{id}',
      access: manage,
      operationId: 'getWebhook',
      summary: 'Get a webhook subscription (never its secret)',
      params: idParams,
      response: { status: 200, description: 'The subscription', schema: webhook },
    },
    {
      method: 'patch',
      path: '/v1/webhooks/{id}',
      access: manage,
      operationId: 'updateWebhook',
      summary: 'Change the URL, description or event types',
      params: idParams,
      body: named('WebhookPatch', webhookPatchSchema),
      response: { status: 200, description: 'The changed subscription', schema: webhook },
    },
    {
      method: 'delete',
      path: '/v1/webhooks/{id}',
      access: manage,
      operationId: 'deleteWebhook',
      summary: 'Delete a subscription and its delivery log',
      params: idParams,
      response: { status: 204, description: 'Deleted' },
    },
    {
      method: 'post',
      path: '/v1/webhooks/{id}/rotate-secret',
      access: manage,
      operationId: 'rotateWebhookSecret',
      summary: 'Replace the signing secret (the old one signs beside it for a grace period)',
      params: idParams,
      body: named('WebhookRotateSecret', rotateSecretSchema),
      idempotent: true,
      response: { status: 200, description: 'The new secret, shown this once', schema: created },
    },
    {
      method: 'post',
      path: '/v1/webhooks/{id}/enable',
      access: manage,
      operationId: 'enableWebhook',
      summary: 'Enable a subscription (clears the failure streak and the disable reason)',
      params: idParams,
      idempotent: true,
      response: { status: 200, description: 'The subscription', schema: webhook },
    },
    {
      method: 'post',
      path: '/v1/webhooks/{id}/disable',
      access: manage,
      operationId: 'disableWebhook',
      summary: 'Disable a subscription (nothing is sent until it is enabled again)',
      params: idParams,
      idempotent: true,
      response: { status: 200, description: 'The subscription', schema: webhook },
    },
    {
      method: 'post',
      path: '/v1/webhooks/{id}/ping',
      access: manage,
      operationId: 'pingWebhook',
      summary: 'Send a signed `webhook.ping` now and report the answer (not logged)',
      description: 'Idempotency-Key is not honoured: a ping changes nothing.',
      params: idParams,
      response: {
        status: 200,
        description: 'What the endpoint answered',
        schema: named('WebhookPingResult', pingResultSchema),
      },
    },
    {
      method: 'get',
      path: '/v1/webhooks/{id}/deliveries',
      access: read,
      operationId: 'listWebhookDeliveries',
      summary: 'The delivery log, newest first, each delivery with its attempts',
      params: idParams,
      query: deliveriesQuerySchema,
      response: { status: 200, description: 'One page', schema: pageOf(delivery) },
    },
    {
      method: 'get',
      path: '/v1/webhooks/{id}/deliveries/{deliveryId}',
      access: read,
      operationId: 'getWebhookDelivery',
      summary: 'One delivery with its attempts',
      params: deliveryParams,
      response: { status: 200, description: 'The delivery', schema: delivery },
    },
    {
      method: 'post',
      path: '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
      access: manage,
      operationId: 'replayWebhookDelivery',
      summary: 'Send a delivery again, as a new series of attempts with the same webhook-id',
      description:
        'Any status can be replayed. 409 when the subscription is disabled or the delivery is ' +
        'being sent at this moment.',
      params: deliveryParams,
      idempotent: true,
      problems: [409],
      response: { status: 202, description: 'Queued; the delivery is pending', schema: delivery },
    },
  ];
  for (const route of routes) registerRoute(registry, { tag, ...route });
};
