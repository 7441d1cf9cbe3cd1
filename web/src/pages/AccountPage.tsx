import { useState } from 'preact/hooks';
import { NOTIFICATION_KINDS, OPTIONAL_NOTIFICATION_KINDS } from '../../../src/core/index.js';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field, Notice } from '../components/Field.js';
import { useAction } from '../lib/useAction.js';
import { useLoad } from '../lib/useLoad.js';

/** Which optional notifications each role can get. */
const FOR_ROLE: Record<Me['user']['role'], readonly string[]> = {
  patient: ['document.ready', 'document.revoked', 'document.superseded', 'share.used'],
  doctor: ['request.new'],
  admin: [],
};

/** `/account`: change the password, sign out everywhere, choose the notifications. */
export function AccountPage({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  return (
    <div class="page">
      <h1>My account</h1>
      <ChangePassword />
      <Notifications me={me} />
      <SignOutEverywhere onSignedOut={onSignedOut} />
    </div>
  );
}

function ChangePassword() {
  const [form, setForm] = useState({ currentPassword: '', newPassword: '' });
  const [done, setDone] = useState(false);
  const [change, changing] = useAction(async () => {
    await api('POST', '/api/me/password', form);
    setForm({ currentPassword: '', newPassword: '' });
    setDone(true);
  }, 'could not change the password: try again');
  return (
    <section class="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Change password</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          void change();
        }}
        noValidate
      >
        <Field label="Current password" error={changing.errorFor('currentPassword')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="current-password"
              required
              value={form.currentPassword}
              onInput={(e) => setForm({ ...form, currentPassword: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="New password" hint="At least 8 characters." error={changing.errorFor('newPassword')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="new-password"
              required
              minLength={8}
              value={form.newPassword}
              onInput={(e) => setForm({ ...form, newPassword: e.currentTarget.value })}
            />
          )}
        </Field>
        <button type="submit" disabled={changing.busy}>
          Change password
        </button>
        <ActionError state={changing} fields={['currentPassword', 'newPassword']} />
        {done && <Notice kind="ok">Password changed. Your other sessions have ended.</Notice>}
      </form>
    </section>
  );
}

function Notifications({ me }: { me: Me }) {
  const prefs = useLoad(() => api<Record<string, boolean>>('GET', '/api/me/notifications'));
  // The choice being saved is shown at once, so the box does not flip back while the save runs.
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const [save, saving] = useAction(async (kind: string, on: boolean) => {
    setPending((p) => ({ ...p, [kind]: on }));
    try {
      await api('PUT', '/api/me/notifications', { [kind]: on });
      await prefs.reload();
    } finally {
      setPending((p) => {
        const { [kind]: _, ...rest } = p;
        return rest;
      });
    }
  }, 'could not save the preference: try again');
  const kinds = OPTIONAL_NOTIFICATION_KINDS.filter((k) => FOR_ROLE[me.user.role].includes(k));
  if (kinds.length === 0) return null;
  return (
    <section class="card" aria-labelledby="notify-title">
      <h2 id="notify-title">Email notifications</h2>
      <p class="muted">
        Emails only say that something happened and link here; they never contain a document. Codes and
        password reset links are always sent.
      </p>
      {prefs.error && <Notice>{prefs.error}</Notice>}
      {prefs.data && (
        <fieldset>
          <legend>Email me when</legend>
          {kinds.map((k) => (
            <label key={k} class="checkbox">
              <input
                type="checkbox"
                checked={(pending[k] ?? prefs.data?.[k]) !== false}
                disabled={saving.busy}
                onChange={(e) => void save(k, e.currentTarget.checked)}
              />{' '}
              {NOTIFICATION_KINDS[k].label}
            </label>
          ))}
        </fieldset>
      )}
      <ActionError state={saving} />
    </section>
  );
}

function SignOutEverywhere({ onSignedOut }: { onSignedOut: () => void }) {
  const [run, state] = useAction(async () => {
    await api('POST', '/api/auth/logout-everywhere');
    onSignedOut();
  }, 'could not sign out everywhere: try again');
  return (
    <section class="card" aria-labelledby="everywhere-title">
      <h2 id="everywhere-title">Sign out everywhere</h2>
      <p>
        Ends every session of your account: on this device and any other (a lost phone, a shared computer).
      </p>
      <button type="button" disabled={state.busy} onClick={() => void run()}>
        Sign out everywhere
      </button>
      <ActionError state={state} />
    </section>
  );
}
