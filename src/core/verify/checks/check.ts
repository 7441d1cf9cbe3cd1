import type { CheckName, CheckResult, CheckStatus } from '../types.js';

export const check = (name: CheckName, status: CheckStatus, code: string, message: string): CheckResult => ({
  check: name,
  status,
  code,
  message,
});

export const skipped = (name: CheckName, message: string): CheckResult =>
  check(name, 'SKIPPED', 'SKIPPED', message);
