// Figures of one historical 15-minute interval of a queue, from its counters. Shared by the
// routing service (which writes the rows) and the API (which serves them), so both derive them
// the same way. docs/routing.md#statistics-and-erlang-c.

/** The counters the figures are derived from (an interval row). */
export interface IntervalCounts {
  answered: number;
  /** Abandons after the short-abandon threshold; short ones are counted apart and left out. */
  abandoned: number;
  answeredWithinSl: number;
  sumWaitMs: number;
  sumHandleMs: number;
  busyMs: number;
  staffedMs: number;
}

export interface IntervalFigures {
  /** answeredWithinSl / (answered + abandoned); null when both are 0. */
  serviceLevel: number | null;
  asaMs: number | null;
  ahtMs: number | null;
  /** busyMs / staffedMs; null with no staffed time. */
  occupancy: number | null;
}

export function deriveFigures(row: IntervalCounts): IntervalFigures {
  const counted = row.answered + row.abandoned;
  return {
    serviceLevel: counted === 0 ? null : row.answeredWithinSl / counted,
    asaMs: row.answered === 0 ? null : row.sumWaitMs / row.answered,
    ahtMs: row.answered === 0 ? null : row.sumHandleMs / row.answered,
    occupancy: row.staffedMs === 0 ? null : row.busyMs / row.staffedMs,
  };
}
