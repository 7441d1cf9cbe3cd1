import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Security } from '../api/types.js';
import { passkeysSupported, stepUpWithPasskey } from '../lib/passkeys.js';
import { useAction } from '../lib/useAction.js';
import { useLoad } from '../lib/useLoad.js';
import { ActionError } from './ActionError.js';
import { Field } from './Field.js';

/**
 * Asks a signed-in doctor or admin to confirm it is still them before a change to sign-in security
 * (the server asks when their last confirmation is more than 5 minutes old): the password, or one of
 * their passkeys, or a code from their authenticator app. A modal dialog: nothing else on the page
 * can be used meanwhile, and Escape cancels.
 */
export function StepUpPrompt({ onConfirmed, onCancel }: { onConfirmed: () => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const security = useLoad(() => api<Security>('GET', '/api/me/security'));
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  const [withPassword, checkingPassword] = useAction(async () => {
    await api('POST', '/api/me/step-up/password', { password });
    onConfirmed();
  }, 'the password was not accepted');
  const [withPasskey, checkingPasskey] = useAction(async () => {
    await stepUpWithPasskey();
    onConfirmed();
  }, 'the passkey was not accepted');
  const [withCode, checkingCode] = useAction(async () => {
    await api('POST', '/api/me/step-up/totp', { code: code.trim() });
    onConfirmed();
  }, 'the code was not accepted');
  const s = security.data;
  return (
    <dialog
      ref={dialog}
      class="card narrow step-up"
      aria-labelledby="step-up-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="step-up-title">Confirm it is still you</h2>
      <p>
        Changing how you sign in needs your password again (or your passkey, or a code from your authenticator
        app). It then counts for 5 minutes.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void withPassword();
        }}
      >
        <Field label="Your password" error={checkingPassword.errorFor('password')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => {
                setPassword(e.currentTarget.value);
                checkingPassword.clear('password');
              }}
            />
          )}
        </Field>
        <ActionError state={checkingPassword} fields={['password']} />
        <button type="submit" disabled={checkingPassword.busy}>
          Confirm with my password
        </button>
      </form>
      {s && s.passkeys.length > 0 && passkeysSupported() && (
        <div>
          <button
            type="button"
            class="secondary"
            disabled={checkingPasskey.busy}
            onClick={() => void withPasskey()}
          >
            Use my passkey instead
          </button>
          <ActionError state={checkingPasskey} />
        </div>
      )}
      {s?.totp && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void withCode();
          }}
        >
          <Field label="Or a code from your authenticator app" hint="6 digits.">
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9]{6}"
                required
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            )}
          </Field>
          <ActionError state={checkingCode} />
          <button type="submit" class="secondary" disabled={checkingCode.busy}>
            Confirm with the code
          </button>
        </form>
      )}
      <button type="button" class="link" onClick={onCancel}>
        Cancel
      </button>
    </dialog>
  );
}
