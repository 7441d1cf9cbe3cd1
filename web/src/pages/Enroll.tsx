import { useState } from 'preact/hooks';
import type { EnrolledView, Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { RecoveryCodes } from '../components/RecoveryCodes.js';
import { TotpSetup } from '../components/TotpSetup.js';
import { createPasskey, passkeysSupported } from '../lib/passkeys.js';
import { useAction } from '../lib/useAction.js';

/**
 * First sign-in of a doctor or admin: a passkey (or, without passkey hardware, an authenticator app)
 * is required before anything else; then the recovery codes, once.
 */
export function Enroll({ me, onDone }: { me: Me; onDone: (me: Me) => void }) {
  const [done, setDone] = useState<EnrolledView>();
  const [create, creating] = useAction(
    async () => setDone(await createPasskey('Passkey')),
    'no passkey was created',
  );
  const finish = () => done?.me && onDone(done.me);

  if (done?.me && done.recoveryCodes) return <RecoveryCodes codes={done.recoveryCodes} onDone={finish} />;
  if (done?.me) {
    queueMicrotask(finish);
    return <p aria-busy="true">Signing in…</p>;
  }
  return (
    <section class="card narrow" aria-labelledby="enroll-title">
      <h1 id="enroll-title">Protect your account with a passkey</h1>
      <p>
        {me.user.name}, as {me.user.role === 'doctor' ? 'a doctor' : 'an administrator'} you sign in with a
        second step after your password. A passkey is the safest: your phone, computer or security key
        confirms it is you, and it works only on this portal. Doctors will also use it to sign the documents
        they issue.
      </p>
      {passkeysSupported() ? (
        <div>
          <button type="button" disabled={creating.busy} onClick={() => void create()}>
            Create a passkey
          </button>
          <ActionError state={creating} />
        </div>
      ) : (
        <p>This browser cannot create passkeys.</p>
      )}
      <h2>No passkey device?</h2>
      <TotpSetup onEnrolled={setDone} />
    </section>
  );
}
