// Loading settings: YAML (for `sbc --config`) or an object (the API's projection), zod validation,
// then the cross-checks zod can't express. Every error names its path: `tenants[0].trunks[1].port: …`.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { sbcSettings, type SbcSettings } from './config';
import { e164Value } from './numbers';

export type SettingsResult = { ok: true; settings: SbcSettings } | { ok: false; errors: string[] };

/** Headers a rule may never add, remove or rewrite: the transaction and dialog depend on them. */
export const PROTECTED_HEADERS: ReadonlySet<string> = new Set(
  ['via', 'from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length'].concat(
    ['v', 'f', 't', 'i', 'l'], // compact forms (RFC 3261 7.3.3)
  ),
);

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? String(p) : `.${String(p)}`;
  }
  return s === '' ? '(root)' : s;
}

const zodErrors = (error: z.ZodError): string[] =>
  error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);

export function loadSettingsYaml(text: string, source = 'settings'): SettingsResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    return { ok: false, errors: [`${source}: ${msg.split('\n')[0]}`] };
  }
  const result = validateSettings(doc ?? {});
  if (result.ok) return result;
  return { ok: false, errors: result.errors.map((e) => `${source}: ${e}`) };
}

export function validateSettings(input: unknown): SettingsResult {
  const parsed = sbcSettings.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const errors = crossCheck(parsed.data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: parsed.data };
}

function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function crossCheck(s: SbcSettings): string[] {
  const errors: string[] = [];
  const tenantIds = new Set<string>();
  const trunkIds = new Map<string, string>();
  const subdomains = new Map<string, string>();
  const ranges: { first: number; last: number; tenant: string; path: string }[] = [];

  s.tenants.forEach((t, ti) => {
    const at = `tenants[${ti}]`;
    if (tenantIds.has(t.id)) errors.push(`${at}.id: duplicate tenant id "${t.id}"`);
    tenantIds.add(t.id);
    if (t.teamsSubdomain !== undefined) {
      const other = subdomains.get(t.teamsSubdomain);
      if (other !== undefined)
        errors.push(`${at}.teamsSubdomain: "${t.teamsSubdomain}" is already used by ${other}`);
      subdomains.set(t.teamsSubdomain, at);
      if (s.teams.baseDomain === undefined)
        errors.push(`teams.baseDomain: required because ${at} has a teamsSubdomain`);
    }
    t.dialPlan.forEach((r, ri) => {
      const e = regexError(r.pattern);
      if (e) errors.push(`${at}.dialPlan[${ri}].pattern: invalid regular expression (${e})`);
    });
    const siteIds = new Set<string>();
    t.sites.forEach((site, si) => {
      if (siteIds.has(site.id))
        errors.push(`${at}.sites[${si}].id: duplicate site id "${site.id}"`);
      siteIds.add(site.id);
    });
    const ownTrunks = new Set<string>();
    t.trunks.forEach((tr, ri) => {
      const tp = `${at}.trunks[${ri}]`;
      // Trunk ids key peer health and admission counters SBC-wide, so they are unique globally.
      const other = trunkIds.get(tr.id);
      if (other !== undefined) errors.push(`${tp}.id: duplicate trunk id "${tr.id}" (${other})`);
      trunkIds.set(tr.id, tp);
      ownTrunks.add(tr.id);
      if (tr.siteId !== undefined && !siteIds.has(tr.siteId))
        errors.push(`${tp}.siteId: "${tr.siteId}" is not a site of tenant "${t.id}"`);
      tr.headerRules.forEach((h, hi) => {
        const hp = `${tp}.headerRules[${hi}]`;
        if (PROTECTED_HEADERS.has(h.header.toLowerCase()))
          errors.push(`${hp}.header: ${h.header} cannot be changed by a header rule`);
        if (h.action === 'add' && h.value === undefined)
          errors.push(`${hp}.value: required for action add`);
        if (h.action === 'rewrite' && h.value === undefined)
          errors.push(`${hp}.value: required for action rewrite`);
        if (h.match !== undefined) {
          const e = regexError(h.match);
          if (e) errors.push(`${hp}.match: invalid regular expression (${e})`);
        }
      });
    });
    t.numberRanges.forEach((r, ri) => {
      const rp = `${at}.numberRanges[${ri}]`;
      if (r.siteId !== undefined && !siteIds.has(r.siteId))
        errors.push(`${rp}.siteId: "${r.siteId}" is not a site of tenant "${t.id}"`);
      if (r.trunkId !== undefined && !ownTrunks.has(r.trunkId))
        errors.push(`${rp}.trunkId: "${r.trunkId}" is not a trunk of tenant "${t.id}"`);
      if (r.first.length !== r.last.length)
        errors.push(`${rp}.last: must have as many digits as first (${r.first})`);
      const first = e164Value(r.first);
      const last = e164Value(r.last);
      if (first > last) errors.push(`${rp}.last: ${r.last} is below first ${r.first}`);
      else ranges.push({ first, last, tenant: t.id, path: rp });
    });
  });

  // Ranges of different tenants must not overlap: the called number decides the tenant.
  ranges.sort((a, b) => a.first - b.first);
  let reach: (typeof ranges)[number] | undefined;
  for (const r of ranges) {
    if (reach && r.first <= reach.last && r.tenant !== reach.tenant)
      errors.push(`${r.path}: overlaps ${reach.path} of tenant "${reach.tenant}"`);
    if (!reach || r.last > reach.last) reach = r;
  }
  return errors;
}
