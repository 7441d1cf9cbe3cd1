import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { EnrolledView, TotpSetupView } from '../api/types.js';
import { useAction } from '../lib/useAction.js';
import type { StepUpGuard } from '../lib/useStepUp.js';
import { ActionError } from './ActionError.js';
import { Field } from './Field.js';

/** Setting up an authenticator app: a new secret to type or open in the app, confirmed by its first code. */
export function TotpSetup({
  onEnrolled,
  guard = (change) => change(),
}: {
  onEnrolled: (r: EnrolledView) => void;
  /** The settings page's step-up (adding a factor there needs a fresh confirmation); none at enrolment. */
  guard?: StepUpGuard;
}) {
  const [setup, setSetup] = useState<TotpSetupView>();
  const [code, setCode] = useState('');
  const [start, starting] = useAction(
    async () => setSetup(await guard(() => api<TotpSetupView>('POST', '/api/me/totp'))),
    'could not start the set-up',
  );
  const [confirm, confirming] = useAction(
    async () =>
      onEnrolled(await guard(() => api<EnrolledView>('POST', '/api/me/totp/confirm', { code: code.trim() }))),
    'the code was not accepted',
  );
  if (!setup)
    return (
      <div>
        <button type="button" class="secondary" disabled={starting.busy} onClick={() => void start()}>
          Use an authenticator app instead
        </button>
        <ActionError state={starting} />
      </div>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void confirm();
      }}
    >
      <p>
        In your authenticator app, add an account with this key (or <a href={setup.uri}>open it in the app</a>
        ):
      </p>
      <p class="mono" aria-label="Authenticator key">
        {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
      </p>
      <Field label="Code from the app" hint="6 digits; it changes every 30 seconds.">
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
      <ActionError state={confirming} />
      <button type="submit" disabled={confirming.busy}>
        Confirm the app
      </button>
    </form>
  );
}
