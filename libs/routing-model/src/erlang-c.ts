// Erlang C staffing maths. Erlang B is computed by its recursion B(k) = A·B(k−1) / (k + A·B(k−1)),
// which stays in [0, 1] for any N, then C = B / (1 − ρ(1 − B)); the textbook form with A^N / N!
// overflows a double past ~170 agents.

export interface ErlangCInput {
  /** Calls arriving in the interval. */
  arrivals: number;
  intervalSeconds: number;
  ahtSeconds: number;
  agents: number;
}

export interface ErlangCResult {
  /** Offered load A = arrivals × AHT / interval. */
  trafficErlangs: number;
  agents: number;
  /** False when agents ≤ traffic: the queue grows without bound and every caller waits. */
  stable: boolean;
  probabilityOfWaiting: number;
  /** Share of calls answered within `thresholdSeconds` (0 when unstable). */
  serviceLevel(thresholdSeconds: number): number;
  /** Average speed of answer; Infinity when unstable. */
  asaSeconds: number;
  /** A / N, capped at 1. */
  occupancy: number;
}

export interface AgentsNeededInput {
  arrivals: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** 0–1, e.g. 0.8 for 80 %. */
  targetServiceLevel: number;
  thresholdSeconds: number;
  /** 0–1; agents are added until A / N ≤ maxOccupancy. */
  maxOccupancy?: number;
  /** 0–1 (exclusive of 1): share of paid time not spent on the phones. */
  shrinkage?: number;
}

export interface AgentsNeededResult {
  agents: number;
  trafficErlangs: number;
  probabilityOfWaiting: number;
  serviceLevel: number;
  asaSeconds: number;
  occupancy: number;
  /** Agents to schedule so that `agents` are on the phones after shrinkage: ⌈N / (1 − s)⌉. */
  scheduledAgents: number;
}

/** A target that cannot be met within this many agents above the traffic is treated as unreachable. */
const MAX_EXTRA_AGENTS = 100_000;

export function erlangC(input: ErlangCInput): ErlangCResult {
  const traffic = trafficOf(input);
  const agents = input.agents;
  if (!Number.isInteger(agents) || agents < 0) {
    throw new RangeError(`agents must be a non-negative integer, got ${agents}`);
  }
  return resultAt(traffic, agents, erlangB(traffic, agents), input.ahtSeconds);
}

export function agentsNeeded(input: AgentsNeededInput): AgentsNeededResult {
  const traffic = trafficOf(input);
  const { targetServiceLevel: target, thresholdSeconds, ahtSeconds } = input;
  const maxOccupancy = input.maxOccupancy ?? 1;
  const shrinkage = input.shrinkage ?? 0;
  if (!(target >= 0 && target <= 1)) {
    throw new RangeError(`targetServiceLevel must be between 0 and 1, got ${target}`);
  }
  requireNonNegative('thresholdSeconds', thresholdSeconds);
  if (!(maxOccupancy > 0 && maxOccupancy <= 1)) {
    throw new RangeError(`maxOccupancy must be in (0, 1], got ${maxOccupancy}`);
  }
  if (!(shrinkage >= 0 && shrinkage < 1)) {
    throw new RangeError(`shrinkage must be in [0, 1), got ${shrinkage}`);
  }

  // Fewer agents than floor(A) + 1 is never stable; the occupancy cap sets another lower bound.
  const start = Math.max(
    traffic === 0 ? 0 : Math.floor(traffic) + 1,
    Math.ceil(traffic / maxOccupancy - 1e-9),
  );
  // Walk N upwards, carrying Erlang B along so the whole search is O(N).
  let b = erlangB(traffic, start);
  for (let n = start; n <= start + MAX_EXTRA_AGENTS; n++) {
    if (n > start) b = (traffic * b) / (n + traffic * b);
    const r = resultAt(traffic, n, b, ahtSeconds);
    const sl = r.serviceLevel(thresholdSeconds);
    if (r.stable && sl >= target) {
      return {
        agents: n,
        trafficErlangs: traffic,
        probabilityOfWaiting: r.probabilityOfWaiting,
        serviceLevel: sl,
        asaSeconds: r.asaSeconds,
        occupancy: r.occupancy,
        scheduledAgents: Math.ceil(n / (1 - shrinkage) - 1e-9),
      };
    }
  }
  throw new RangeError(`targetServiceLevel ${target} cannot be reached`);
}

function trafficOf(input: {
  arrivals: number;
  intervalSeconds: number;
  ahtSeconds: number;
}): number {
  requireNonNegative('arrivals', input.arrivals);
  requireNonNegative('ahtSeconds', input.ahtSeconds);
  if (!(input.intervalSeconds > 0) || !Number.isFinite(input.intervalSeconds)) {
    throw new RangeError(`intervalSeconds must be a positive number, got ${input.intervalSeconds}`);
  }
  return (input.arrivals * input.ahtSeconds) / input.intervalSeconds;
}

function requireNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  }
}

/** Erlang B by recursion; B(0) = 1. */
function erlangB(traffic: number, agents: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

function resultAt(traffic: number, agents: number, b: number, aht: number): ErlangCResult {
  if (traffic === 0) {
    return {
      trafficErlangs: 0,
      agents,
      stable: true,
      probabilityOfWaiting: 0,
      serviceLevel: () => 1,
      asaSeconds: 0,
      occupancy: 0,
    };
  }
  if (agents <= traffic) {
    return {
      trafficErlangs: traffic,
      agents,
      stable: false,
      probabilityOfWaiting: 1,
      serviceLevel: () => 0,
      asaSeconds: Number.POSITIVE_INFINITY,
      occupancy: 1,
    };
  }
  const rho = traffic / agents;
  const c = b / (1 - rho * (1 - b));
  const spare = agents - traffic;
  return {
    trafficErlangs: traffic,
    agents,
    stable: true,
    probabilityOfWaiting: c,
    serviceLevel: (thresholdSeconds: number) => {
      requireNonNegative('thresholdSeconds', thresholdSeconds);
      // aht 0 with traffic > 0 cannot happen (traffic would be 0).
      return 1 - c * Math.exp((-spare * thresholdSeconds) / aht);
    },
    asaSeconds: (c * aht) / spare,
    occupancy: rho,
  };
}
