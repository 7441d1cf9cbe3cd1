import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import type { PatientId } from './parsePatientId.js';

/** For display: only the last four digits stay visible (`XXXX XXXX 1234`, `XX-XXXX-XXXX-1234`, `+91 XXXXXX3210`). */
export function maskPatientId(id: PatientId): string {
  const last4 = id.value.slice(-4);
  switch (id.kind) {
    case 'aadhaar':
      return `XXXX XXXX ${last4}`;
    case 'abha':
      return `XX-XXXX-XXXX-${last4}`;
    case 'mobile': {
      const phone = parsePhoneNumberFromString(id.value);
      const national = phone?.nationalNumber ?? id.value;
      const cc = phone ? `+${phone.countryCallingCode}` : '';
      return `${cc} ${'X'.repeat(Math.max(national.length - 4, 0))}${national.slice(-4)}`.trim();
    }
  }
}
