// Per-trunk header manipulation for ITSP quirks: add, remove, rewrite. Rules run in order; the
// headers that carry the transaction and dialog are never touched (validation refuses them too).
import {
  addHeader,
  getHeaders,
  methodOf,
  removeHeaders,
  setHeader,
  type SipMessage,
} from '@ccx/sip';
import type { HeaderRule } from './config';
import { PROTECTED_HEADERS } from './validate';

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g;

/** `${name}` replaced by `vars[name]` (`from.user`, `to.user`, `tenant`…); unknown ones by ''. */
export const substitute = (text: string, vars: Record<string, string>): string =>
  text.replace(PLACEHOLDER, (_, name: string) => vars[name] ?? '');

const regexCache = new Map<string, RegExp>();
function ruleRegex(pattern: string): RegExp | undefined {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern);
    } catch {
      return undefined; // refused at validation; a stale rule is skipped rather than thrown
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

function applies(rule: HeaderRule, message: SipMessage, direction: 'in' | 'out'): boolean {
  if (rule.direction !== direction) return false;
  if (PROTECTED_HEADERS.has(rule.header.toLowerCase())) return false;
  if (!rule.methods || rule.methods.length === 0) return true;
  if (message.startLine.type === 'response') return rule.methods.includes('responses');
  const method = methodOf(message);
  return rule.methods.some((m) => m.toUpperCase() === method);
}

/** Applies the rules of one direction to `message` in place; returns how many rules applied. */
export function applyHeaderRules(
  message: SipMessage,
  rules: readonly HeaderRule[],
  direction: 'in' | 'out',
  vars: Record<string, string>,
): number {
  let applied = 0;
  for (const rule of rules) {
    if (!applies(rule, message, direction)) continue;
    switch (rule.action) {
      case 'add':
        addHeader(message, rule.header, substitute(rule.value ?? '', vars));
        applied++;
        break;
      case 'remove':
        if (removeHeaders(message, rule.header) > 0) applied++;
        break;
      case 'rewrite': {
        const values = getHeaders(message, rule.header).map((h) => h.value);
        if (values.length === 0) break;
        const re = ruleRegex(rule.match ?? '^[\\s\\S]*$');
        if (!re) break;
        const replacement = substitute(rule.value ?? '', vars);
        const rewritten = values.map((v) => v.replace(re, replacement));
        setHeader(message, rule.header, rewritten[0]!);
        for (const v of rewritten.slice(1)) addHeader(message, rule.header, v);
        applied++;
        break;
      }
    }
  }
  return applied;
}
