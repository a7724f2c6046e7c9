// Branch conditions over the call's data and the flow's variables (docs/routing.md).
import type { FlowCondition } from '@ccx/routing-model';

// Patterns are validated on save; compiling them once per process keeps branches cheap.
const compiled = new Map<string, RegExp | null>();

function regexFor(source: string): RegExp | null {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/** True when the condition holds for `value` (undefined: the variable is not set). */
export function conditionHolds(when: FlowCondition, value: string | undefined): boolean {
  if (when.op === 'present') return value !== undefined && value !== '';
  if (value === undefined) return false;
  const expected = when.value;
  switch (when.op) {
    case 'equals':
      return typeof expected === 'string' && value === expected;
    case 'prefix':
      return typeof expected === 'string' && value.startsWith(expected);
    case 'in':
      return Array.isArray(expected) && expected.includes(value);
    case 'matches': {
      const re = typeof expected === 'string' ? regexFor(expected) : null;
      return re !== null && re.test(value);
    }
    default:
      return false;
  }
}
