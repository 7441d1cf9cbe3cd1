import { parsePatientId, type PatientId } from '../../src/core/patientId/parsePatientId.js';
import type { SmsProvider } from '../../src/server/notify/SmsProvider.js';

export interface SentSms {
  readonly to: PatientId;
  readonly text: string;
}

/** The tests' SMS provider: keeps every message, so a test reads the code a patient's phone would get. */
export class CapturingSms implements SmsProvider {
  readonly sent: SentSms[] = [];
  /** When set, sending fails (a provider outage). */
  down = false;

  send(to: PatientId, text: string): Promise<void> {
    if (this.down) return Promise.reject(new Error('sms provider unavailable (test)'));
    this.sent.push({ to, text });
    return Promise.resolve();
  }

  /** Messages to one patient id (any spelling of it). */
  to(patientNumber: string): SentSms[] {
    const id = parsePatientId(patientNumber);
    if (!id.ok) throw new Error(`not a patient id: ${patientNumber}`);
    return this.sent.filter((m) => m.to.normalised === id.value.normalised);
  }

  /** Waits (bounded) for a code to this id beyond the first `after` codes, and returns the newest. */
  async codeFor(patientNumber: string, after = 0): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const codes = this.to(patientNumber)
        .map((m) => /your code is (\d{6})/.exec(m.text)?.[1])
        .filter((c): c is string => c !== undefined);
      if (codes.length > after) return codes[codes.length - 1]!;
      if (Date.now() > deadline) throw new Error(`no code reached ${patientNumber}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
