import { buildOpenApiDocument, controlPlaneOpenApi } from '@ccx/control-plane';
import { apiFeatures } from './features';

/** The API's OpenAPI 3.1 document: control plane plus every feature's contribution. */
export function buildApiDocument() {
  return buildOpenApiDocument(
    [controlPlaneOpenApi, ...apiFeatures.flatMap((f) => (f.openapi ? [f.openapi] : []))],
    {
      title: 'ccx control-plane API',
      version: '1.0.0',
      description:
        'Tenants, API keys and the configuration of the contact-center connector (sites, ' +
        'trunks, number ranges, skills, queues, agents, webhooks). Authenticate with ' +
        '`Authorization: Bearer <key>`; errors are RFC 9457 problem details. See docs/api.md.',
    },
  );
}
