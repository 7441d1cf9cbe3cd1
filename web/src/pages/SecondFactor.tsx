import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field } from '../components/Field.js';
import { confirmWithPasskey } from '../lib/passkeys.js';
import { useAction } from '../lib/useAction.js';

/** After the password: confirm with a passkey, a code from the authenticator app, or a recovery code. */
export function SecondFactor({ me, onDone }: { me: Me; onDone: (me: Me) => void }) {
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [withPasskey, passkeyState] = useAction(
    async () => onDone(await confirmWithPasskey()),
    'the passkey was not accepted',
  );
  const [withCode, codeState] = useAction(
    async () =>
      onDone(
        await api<Me>(
          'POST',
          recovery ? '/api/auth/second-factor/recovery-code' : '/api/auth/second-factor/totp',
          { code: code.trim() },
        ),
      ),
    'the code was not accepted',
  );
  const factors = me.secondFactors ?? { passkey: true, totp: false };
  const codeField = recovery || factors.totp;

  return (
    <section class="card narrow" aria-labelledby="second-title">
      <h1 id="second-title">Confirm it is you</h1>
      <p>Signed in as {me.user.email}. One more step for your role.</p>
      {factors.passkey && (
        <div>
          <button type="button" disabled={passkeyState.busy} onClick={() => void withPasskey()}>
            Use my passkey
          </button>
          <ActionError state={passkeyState} />
        </div>
      )}
      {codeField && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void withCode();
          }}
        >
          <Field
            label={recovery ? 'Recovery code' : 'Code from your authenticator app'}
            hint={recovery ? 'Each recovery code works once.' : '6 digits.'}
          >
            {(p) => (
              <input
                {...p}
                autocomplete="one-time-code"
                {...(recovery ? {} : { inputMode: 'numeric' as const })}
                required
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            )}
          </Field>
          <ActionError state={codeState} />
          <button type="submit" disabled={codeState.busy}>
            Confirm
          </button>
        </form>
      )}
      {!recovery && (
        <p>
          <button type="button" class="link" onClick={() => (setRecovery(true), setCode(''))}>
            Use a recovery code
          </button>
        </p>
      )}
    </section>
  );
}
