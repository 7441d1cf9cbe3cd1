import { parsePatientId } from '../../../src/core/index.js';
import { sentence } from '../api/client.js';

/**
 * The checks a form runs before it sends anything, each answering a sentence or undefined, so every
 * problem shows at once beside its field. The server checks the same again; these only save a round
 * trip and say it in the form's words.
 */

export const required = (value: string, what: string) =>
  value.trim() === '' ? `Fill in ${what}.` : undefined;

export const chosen = (value: string, what: string) => (value === '' ? `Choose ${what}.` : undefined);

// Deliberately loose (the server has the exact rule): something@something.something, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const email = (value: string) =>
  value.trim() === ''
    ? 'Fill in your email address.'
    : EMAIL.test(value.trim())
      ? undefined
      : 'Enter an email address, like name@example.com.';

/** The patient id field of the issuing forms: required, and one of the id kinds the portal reads. */
export const patientIdProblem = (value: string) => {
  if (value.trim() === '') return 'Fill in the patient’s Aadhaar, ABHA or mobile number.';
  const id = parsePatientId(value);
  return id.ok ? undefined : sentence(id.message);
};
