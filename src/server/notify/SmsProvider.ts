import { maskPatientId, type PatientId } from '../../core/index.js';
import type { Logger } from '../../log/index.js';

/**
 * Delivers a short text to the holder of a patient id: an SMS to a mobile number; for an Aadhaar or ABHA
 * number, the provider's message to the mobile number linked to it (UIDAI's and ABDM's OTP services do
 * exactly this). A real provider implements this interface and is passed to startSystem
 * (`notify.sms`); it throws when the message was not accepted, and the outbox retries.
 */
export interface SmsProvider {
  send(to: PatientId, text: string): Promise<void>;
}

/** Development provider (MEDPROOF_SMS_PROVIDER=log, the default): the text, code included, goes to the log. */
export function logSmsProvider(log: Logger): SmsProvider {
  return {
    send(to, text) {
      log.info({ sms: { to: maskPatientId(to), text } }, 'sms (development provider: not sent)');
      return Promise.resolve();
    },
  };
}
