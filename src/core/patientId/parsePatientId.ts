import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { fail, ok, type Result } from '../errors/Result.js';
import { verhoeffValid } from './verhoeff.js';

export type PatientIdKind = 'aadhaar' | 'abha' | 'mobile';
export const PATIENT_ID_KINDS: readonly PatientIdKind[] = ['aadhaar', 'abha', 'mobile'];

export interface PatientId {
  readonly kind: PatientIdKind;
  /** Digits only (Aadhaar, ABHA) or E.164 (mobile). */
  readonly value: string;
  /** `kind:value`: what the patientRef HMAC is computed over, so equal numbers of different kinds never collide. */
  readonly normalised: string;
}

export type PatientIdError = 'PATIENT_ID_INVALID';

const SEPARATORS = /[\s\-.()]/g;

/**
 * Validates and normalises a patient id (paper: "Aadhaar number or permanent mobile number"; ABHA is
 * India's health id). Without `kind` it is inferred: a leading `+` or 10 digits is a mobile number,
 * 14 digits an ABHA number, 12 digits an Aadhaar number. Mobile numbers default to region IN.
 */
export function parsePatientId(input: string, kind?: PatientIdKind): Result<PatientId, PatientIdError> {
  const compact = input.trim().replace(SEPARATORS, '');
  if (compact === '') return fail('PATIENT_ID_INVALID', 'patient id is empty');
  const k = kind ?? inferKind(compact);
  switch (k) {
    case 'aadhaar':
      return parseAadhaar(compact);
    case 'abha':
      return /^\d{14}$/.test(compact)
        ? ok(make('abha', compact))
        : fail('PATIENT_ID_INVALID', 'an ABHA number has 14 digits');
    case 'mobile':
      return parseMobile(compact);
  }
}

function inferKind(compact: string): PatientIdKind {
  if (/^\d{12}$/.test(compact)) return 'aadhaar';
  if (/^\d{14}$/.test(compact)) return 'abha';
  return 'mobile';
}

function parseAadhaar(digits: string): Result<PatientId, PatientIdError> {
  if (!/^\d{12}$/.test(digits)) return fail('PATIENT_ID_INVALID', 'an Aadhaar number has 12 digits');
  if (digits[0] === '0' || digits[0] === '1') {
    return fail('PATIENT_ID_INVALID', 'an Aadhaar number does not start with 0 or 1');
  }
  if (!verhoeffValid(digits)) {
    return fail(
      'PATIENT_ID_INVALID',
      'this Aadhaar number fails its check digit: please re-check the digits',
    );
  }
  return ok(make('aadhaar', digits));
}

function parseMobile(compact: string): Result<PatientId, PatientIdError> {
  if (!/^\+?\d{6,16}$/.test(compact)) {
    return fail(
      'PATIENT_ID_INVALID',
      'not a patient id: expected an Aadhaar (12 digits), ABHA (14 digits) or mobile number',
    );
  }
  const phone = parsePhoneNumberFromString(compact, 'IN');
  if (!phone?.isValid())
    return fail('PATIENT_ID_INVALID', 'not a valid mobile number (use +country code for outside India)');
  return ok(make('mobile', phone.number));
}

function make(kind: PatientIdKind, value: string): PatientId {
  return { kind, value, normalised: `${kind}:${value}` };
}
