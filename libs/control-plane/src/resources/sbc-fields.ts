// Fields the SBC runs with (libs/sbc-policy config model), as the API validates them. The API
// is stricter than the SBC's own model where a mistake would only show up on a live call:
// regular expressions must compile, and header rules cannot touch the headers that make a
// SIP transaction (the B2BUA owns those, a rewrite would break every call on the trunk).
import { z } from 'zod';

/** Compiles as a JavaScript regular expression (the SBC matches with `new RegExp`). */
export const regexSource = (what: string) =>
  z
    .string()
    .min(1)
    .max(500)
    .refine((source) => compiles(source), `not a valid regular expression (${what})`);

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export const e164 = z
  .string()
  .regex(/^\+[1-9][0-9]{1,14}$/, 'an E.164 number such as +4930123400')
  .meta({ example: '+4930123400' });

export const dialRule = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    pattern: regexSource('anchor it: ^…$').meta({
      description: 'JavaScript regular expression matched against the whole number.',
      example: '^0(\\d{6,12})$',
    }),
    translation: z
      .string()
      .max(200)
      .meta({ description: 'Replacement with `$1`…`$9` groups.', example: '+4930$1' }),
  })
  .meta({ description: 'Number normalisation rule; the first matching rule applies.' });

export const dialPlan = z
  .array(dialRule)
  .max(200)
  .meta({ description: 'Ordered rules applied to called and calling numbers before routing.' });

/** Headers whose rewriting breaks transactions and dialogs, with their compact forms. */
const PROTECTED_HEADERS = new Set([
  'via',
  'v',
  'from',
  'f',
  'to',
  't',
  'call-id',
  'i',
  'cseq',
  'max-forwards',
  'content-length',
  'l',
]);

const headerName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9!%*_+`'~.-]+$/, 'a SIP header name (token characters)')
  .refine(
    (h) => !PROTECTED_HEADERS.has(h.toLowerCase()),
    'Via, From, To, Call-ID, CSeq, Max-Forwards and Content-Length belong to the SBC',
  );

export const headerRule = z
  .strictObject({
    direction: z
      .enum(['in', 'out'])
      .meta({ description: '`in`: as received from the trunk; `out`: just before sending.' }),
    action: z.enum(['add', 'remove', 'rewrite']),
    header: headerName.meta({ example: 'P-Asserted-Identity' }),
    value: z
      .string()
      .max(1000)
      .optional()
      .meta({ description: 'add: the value; rewrite: the replacement.' }),
    match: regexSource('rewrite match').optional(),
    methods: z
      .array(z.string().regex(/^([A-Z]{1,32}|responses)$/, 'a SIP method or `responses`'))
      .max(20)
      .optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.action !== 'remove' && rule.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `required with ${rule.action}` });
    }
  })
  .meta({ description: 'Header manipulation for ITSP quirks (add, remove, rewrite).' });

export const headerRules = z.array(headerRule).max(50);

/** An IPv4/IPv6 address or CIDR network. */
export const network = z
  .union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
    error: 'an IP address or CIDR network such as 192.0.2.0/24',
  })
  .meta({ example: '192.0.2.0/24' });

/** A certificate name, optionally a wildcard (`*.example.net`). */
export const tlsName = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    'a host name, or a wildcard such as *.example.net',
  );

export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'an IPv4 or IPv6 address' });

export const kbps = z.number().int().min(1).max(100_000_000);
