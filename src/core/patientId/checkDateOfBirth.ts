import { MedproofError } from '../errors/MedproofError.js';

/** A plausible date of birth: a real calendar date (YYYY-MM-DD), not in the future, within 150 years. */
export function checkDateOfBirth(value: string, now = new Date()): void {
  const d = new Date(`${value}T00:00:00Z`);
  const valid = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
  if (!valid || d > now || now.getUTCFullYear() - d.getUTCFullYear() > 150) {
    throw new MedproofError('INVALID_DATE_OF_BIRTH', 'date of birth must be a real past date (YYYY-MM-DD)', {
      field: 'dateOfBirth',
    });
  }
}
