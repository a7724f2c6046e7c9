// SIP status → ITU-T Q.850 cause for CDRs and call.ended (RFC 3398 section 8.2.6.1, reversed
// where RFC 3398 maps several causes to one status; RFC 6432 Reason headers win when present).

const BY_STATUS: Readonly<Record<number, number>> = {
  400: 41,
  401: 21,
  402: 21,
  403: 21,
  404: 1,
  405: 63,
  406: 79,
  407: 21,
  408: 102,
  410: 22,
  413: 127,
  414: 127,
  415: 79,
  416: 127,
  420: 127,
  421: 127,
  423: 127,
  480: 18,
  481: 41,
  482: 25,
  483: 25,
  484: 28,
  485: 1,
  486: 17,
  487: 31,
  488: 65,
  500: 41,
  501: 79,
  502: 38,
  503: 41,
  504: 102,
  505: 127,
  513: 127,
  600: 17,
  603: 21,
  604: 1,
  606: 58,
};

export const Q850 = {
  unallocatedNumber: 1,
  normalClearing: 16,
  userBusy: 17,
  noAnswer: 19,
  callRejected: 21,
  normalUnspecified: 31,
  noCircuit: 34,
  temporaryFailure: 41,
  resourceUnavailable: 47,
  bearerNotAvailable: 58,
  recoveryOnTimerExpiry: 102,
} as const;

export function q850ForStatus(status: number): number {
  return BY_STATUS[status] ?? (status >= 600 ? 31 : status >= 500 ? 41 : 31);
}

/** The cause in a `Reason: Q.850;cause=NN` header value, if it is one. */
export function q850FromReason(value: string | undefined): number | undefined {
  if (!value || !/^\s*Q\.850\s*;/i.test(value)) return undefined;
  const m = /;\s*cause\s*=\s*([0-9]{1,3})/i.exec(value);
  const cause = m ? Number(m[1]) : NaN;
  return Number.isInteger(cause) && cause <= 127 ? cause : undefined;
}
