import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';
import { ActionError } from './ActionError.js';
import { Field, Notice } from './Field.js';
import { useAction } from '../lib/useAction.js';

/**
 * Until the patient id is proven, documents issued to it are held: this card asks for the code sent
 * to the id (an SMS to the mobile number, or to the number linked to the Aadhaar/ABHA), or tells the
 * patient a doctor can confirm them in person at their request.
 */
export function ProvePatientId({ me, onProven }: { me: Me; onProven: () => void }) {
  const [code, setCode] = useState('');
  const [done, setDone] = useState<string>();
  const [sent, setSent] = useState(false);
  const [prove, proving] = useAction(async () => {
    const r = await api<{ released: number }>('POST', '/api/me/patient-id/verify', { code: code.trim() });
    setDone(
      r.released === 0
        ? 'Your patient id is proven. Documents issued to it will now reach you.'
        : `Your patient id is proven: ${r.released} waiting document${r.released === 1 ? '' : 's'} moved to your records.`,
    );
    onProven();
  }, 'could not check the code: try again');
  const [resend, resending] = useAction(async () => {
    await api('POST', '/api/me/patient-id/code');
    setSent(true);
  }, 'could not send a new code: try again later');

  if (done) return <Notice kind="ok">{done}</Notice>;
  if (me.patient?.idProven !== false) return null;
  return (
    <section class="card" aria-labelledby="prove-title">
      <h2 id="prove-title">Prove your patient id</h2>
      <p>
        We sent a 6-digit code to {me.patient.patientIdMasked}. Until you enter it, documents issued to this
        id wait for you and are not shown in your records. No phone? The doctor you ask for a document can
        confirm you in person.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void prove();
        }}
        noValidate
      >
        <Field label="Code" error={proving.errorFor('code')}>
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={proving.busy}>
          {proving.busy ? 'Checking…' : 'Prove my id'}
        </button>{' '}
        <button type="button" class="secondary" disabled={resending.busy} onClick={() => void resend()}>
          Send a new code
        </button>
        <ActionError state={proving} fields={['code']} />
        <ActionError state={resending} />
        {sent && <Notice kind="info">A new code is on its way; the old one no longer works.</Notice>}
      </form>
    </section>
  );
}
