/** Revocation reason codes (the contract's uint16). Published: numbers never change meaning. */
export const REVOCATION_REASONS = {
  0: 'unspecified',
  1: 'superseded',
  2: 'issued-in-error',
  3: 'fraud-suspected',
  4: 'patient-request',
} as const satisfies Record<number, string>;

export type RevocationReasonName = (typeof REVOCATION_REASONS)[keyof typeof REVOCATION_REASONS];

/** Accepts a reason's number or name; undefined when it is neither. */
export function parseRevocationReason(input: string | number): number | undefined {
  const s = String(input).trim().toLowerCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n <= 0xffff ? n : undefined;
  }
  const hit = Object.entries(REVOCATION_REASONS).find(([, name]) => name === s);
  return hit ? Number(hit[0]) : undefined;
}

export function revocationReasonName(code: number): string {
  return (REVOCATION_REASONS as Record<number, string>)[code] ?? `reason-${code}`;
}
