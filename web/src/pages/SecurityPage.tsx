import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { EnrolledView, Passkey, Security } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field, Notice } from '../components/Field.js';
import { RecoveryCodes } from '../components/RecoveryCodes.js';
import { TotpSetup } from '../components/TotpSetup.js';
import { dateTime } from '../lib/format.js';
import { createPasskey, passkeysSupported } from '../lib/passkeys.js';
import { useAction } from '../lib/useAction.js';
import { useLoad } from '../lib/useLoad.js';
import { useStepUp, type StepUpGuard } from '../lib/useStepUp.js';

/**
 * A doctor's or admin's sign-in security: passkeys (list, add, remove), the authenticator app, recovery
 * codes. Every change goes through the step-up guard: an old session confirms it is still its owner first.
 */
export function SecurityPage() {
  const { guard, prompt } = useStepUp();
  const security = useLoad(() => api<Security>('GET', '/api/me/security'));
  const [codes, setCodes] = useState<string[]>();
  const [name, setName] = useState('');
  const enrolled = async (r: EnrolledView) => {
    if (r.recoveryCodes) setCodes(r.recoveryCodes);
    await security.reload();
  };
  const [add, adding] = useAction(
    async () => enrolled(await guard(() => createPasskey(name.trim() || 'Passkey'))),
    'no passkey was added',
  );
  const [removeTotp, removingTotp] = useAction(async () => {
    await guard(() => api('DELETE', '/api/me/totp'));
    await security.reload();
  }, 'the authenticator app could not be removed');
  const [regenerate, regenerating] = useAction(async () => {
    const made = await guard(() => api<{ recoveryCodes: string[] }>('POST', '/api/me/recovery-codes'));
    setCodes(made.recoveryCodes);
    await security.reload();
  }, 'no new codes were made');

  if (codes) return <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />;
  const s = security.data;
  return (
    <div class="page">
      <h1>Sign-in security</h1>
      {prompt}
      {security.error && <Notice>{security.error}</Notice>}
      <section class="card" aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">Passkeys</h2>
        {s && s.passkeys.length === 0 && <p>No passkey yet.</p>}
        {s && s.passkeys.length > 0 && (
          <ul class="passkeys" aria-label="Your passkeys">
            {s.passkeys.map((p) => (
              <PasskeyItem key={p.id} passkey={p} guard={guard} onRemoved={security.reload} />
            ))}
          </ul>
        )}
        {passkeysSupported() && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void add();
            }}
          >
            <Field label="Name for the new passkey (optional)">
              {(p) => (
                <input
                  {...p}
                  value={name}
                  maxLength={100}
                  placeholder="e.g. Clinic laptop"
                  onInput={(e) => setName(e.currentTarget.value)}
                />
              )}
            </Field>
            <button type="submit" disabled={adding.busy}>
              Add a passkey
            </button>
            <ActionError state={adding} />
          </form>
        )}
      </section>
      <section class="card" aria-labelledby="totp-title">
        <h2 id="totp-title">Authenticator app</h2>
        {s?.totp ? (
          <div>
            <p>An authenticator app is set up.</p>
            <button
              type="button"
              class="secondary"
              disabled={removingTotp.busy}
              onClick={() => void removeTotp()}
            >
              Remove the authenticator app
            </button>
            <ActionError state={removingTotp} />
          </div>
        ) : (
          s && <TotpSetup guard={guard} onEnrolled={(r) => void enrolled(r)} />
        )}
      </section>
      <section class="card" aria-labelledby="codes-title">
        <h2 id="codes-title">Recovery codes</h2>
        {s && <p>{s.recoveryCodesLeft} of 10 unused.</p>}
        <button
          type="button"
          class="secondary"
          disabled={regenerating.busy}
          onClick={() => void regenerate()}
        >
          Make new recovery codes
        </button>
        <ActionError state={regenerating} />
      </section>
    </div>
  );
}

function PasskeyItem({
  passkey,
  guard,
  onRemoved,
}: {
  passkey: Passkey;
  guard: StepUpGuard;
  onRemoved: () => Promise<void>;
}) {
  const [remove, removing] = useAction(async () => {
    await guard(() => api('DELETE', `/api/me/passkeys/${encodeURIComponent(passkey.id)}`));
    await onRemoved();
  }, 'the passkey could not be removed');
  return (
    <li>
      <strong>{passkey.name}</strong> — added {dateTime(passkey.createdAt)}
      {passkey.lastUsedAt !== null ? `, last used ${dateTime(passkey.lastUsedAt)}` : ', not used yet'}
      {passkey.backedUp ? ' (synced)' : ''}{' '}
      <button
        type="button"
        class="link"
        aria-label={`Remove passkey ${passkey.name}`}
        disabled={removing.busy}
        onClick={() => void remove()}
      >
        Remove
      </button>
      <ActionError state={removing} />
    </li>
  );
}
