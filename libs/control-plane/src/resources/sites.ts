import { z } from 'zod';
import { sites } from '@ccx/persistence';
import { countryCode } from './country';
import { displayName, storedFields, type ResourceDef } from './resource-def';

const fields = {
  name: displayName.meta({ example: 'Berlin HQ' }),
  kind: z
    .enum(['central', 'branch'])
    .meta({ description: 'A central site hosts shared trunks; a branch survives on its own.' }),
  country: countryCode,
  localEgress: z.boolean().meta({
    description: "Calls from this site egress only through trunks in the site's country.",
  }),
};

export const siteResource: ResourceDef = {
  resource: 'site',
  path: 'sites',
  singular: 'site',
  schemaName: 'Site',
  tag: 'Sites',
  table: sites,
  create: z.strictObject({ ...fields, localEgress: fields.localEgress.default(false) }),
  patch: z.strictObject(fields).partial(),
  output: z.object({ ...storedFields, ...fields, name: z.string() }),
};
