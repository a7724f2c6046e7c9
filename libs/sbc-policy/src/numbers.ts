// Numbers: extraction from URI user parts, dial plans (ordered regex rules) and number ranges
// looked up in O(log n) per call.
import type { DialRule, NumberRangeConfig, TenantConfig } from './config';

const VISUAL_SEPARATORS = /[\s\-.()/]/g;

/**
 * The number in a sip/tel URI user part or a bare number: URI parameters (`;phone-context=…`,
 * `;isub=…`) and visual separators (RFC 3966 `-`, `.`, `(`, `)`, spaces) removed.
 */
export function numberFromUser(user: string): string {
  let s = user.trim();
  const scheme = /^(?:sips?|tel):/i.exec(s);
  if (scheme) {
    s = s.slice(scheme[0].length);
    const at = s.indexOf('@');
    if (at >= 0) s = s.slice(0, at);
  }
  const semi = s.indexOf(';');
  if (semi >= 0) s = s.slice(0, semi);
  if (s.includes('%')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // A malformed escape stays as written; the dial plan simply won't match it.
    }
  }
  return s.replace(VISUAL_SEPARATORS, '');
}

export interface CompiledRule {
  rule: DialRule;
  regex: RegExp;
}

/** Anchored so that a rule only applies when it matches the whole number (Teams semantics). */
export const compileDialPlan = (plan: DialRule[]): CompiledRule[] =>
  plan.map((rule) => ({ rule, regex: new RegExp(`^(?:${rule.pattern})$`) }));

/** First rule matching the whole number wins; no match leaves the number as it is. */
export function applyDialPlan(rules: CompiledRule[], number: string): string {
  for (const { rule, regex } of rules) {
    if (regex.test(number)) return number.replace(regex, rule.translation);
  }
  return number;
}

export const isE164 = (n: string): boolean => /^\+[1-9][0-9]{1,14}$/.test(n);

/** E.164 digits fit a double exactly (15 digits < 2^53), so ranges compare as numbers. */
export const e164Value = (n: string): number => Number(n.slice(1));

export interface OwnedRange {
  tenant: TenantConfig;
  range: NumberRangeConfig;
}

/**
 * Disjoint segments built from possibly nested ranges: within a segment the narrowest covering
 * range wins (a queue number inside a DID block is the queue). Lookup is a binary search.
 */
export class RangeIndex {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly owners: OwnedRange[] = [];

  constructor(entries: OwnedRange[]) {
    type Event = { at: number; open: boolean; entry: OwnedRange; width: number };
    const events: Event[] = [];
    for (const entry of entries) {
      const first = e164Value(entry.range.first);
      const last = e164Value(entry.range.last);
      if (!(first <= last)) continue;
      events.push({ at: first, open: true, entry, width: last - first });
      events.push({ at: last + 1, open: false, entry, width: last - first });
    }
    events.sort((a, b) => a.at - b.at);
    const active: Event[] = [];
    for (let i = 0; i < events.length;) {
      const at = events[i]!.at;
      for (; i < events.length && events[i]!.at === at; i++) {
        const e = events[i]!;
        if (e.open) active.push(e);
        else
          active.splice(
            active.findIndex((a) => a.entry === e.entry),
            1,
          );
      }
      if (active.length === 0 || i >= events.length) continue;
      let best = active[0]!;
      for (const a of active) if (a.width < best.width) best = a;
      this.starts.push(at);
      this.ends.push(events[i]!.at - 1);
      this.owners.push(best.entry);
    }
  }

  lookup(number: string): OwnedRange | undefined {
    if (!isE164(number)) return undefined;
    const v = e164Value(number);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! > v) hi = mid - 1;
      else if (this.ends[mid]! < v) lo = mid + 1;
      else return this.owners[mid];
    }
    return undefined;
  }
}
