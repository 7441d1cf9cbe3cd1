/** Documented exit codes (README): scripts branch on these. */
export const EXIT = {
  /** Done; for `verify`: VALID. */
  OK: 0,
  /** `verify` checked and the document is not valid: TAMPERED, NOT_ANCHORED, REVOKED, UNKNOWN_ISSUER. */
  INVALID: 1,
  /** Could not do it or could not check: bad input, unreachable chain, malformed receipt, chain refused. */
  ERROR: 2,
} as const;
