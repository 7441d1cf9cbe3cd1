import { useState } from 'preact/hooks';
import { passwordProblem } from '../../../src/core/index.js';
import { api, formProblems, sentence } from '../api/client.js';
import type { Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field } from '../components/Field.js';
import { email, required } from '../lib/formChecks.js';
import { usePageTitle } from '../lib/usePageTitle.js';
import { useAction } from '../lib/useAction.js';

// The one-time token arrives in the fragment (never sent to a server); it is taken out of the address bar.
// Only on /setup: this module loads on every page, and other pages keep their fragment (/v/<id>#<secret>).
const onSetup = location.pathname === '/setup';
const token = onSetup ? (new URLSearchParams(location.hash.slice(1)).get('token') ?? '') : '';
if (onSetup && location.hash) history.replaceState(null, '', location.pathname);

export function Setup({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  usePageTitle('First start');
  const [form, setForm] = useState({ name: '', email: '', password: '', token });
  const set = (k: keyof typeof form) => (e: Event) => {
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
    settingUp.clear(k);
  };

  const [setUp, settingUp] = useAction(async () => {
    const weak = form.password === '' ? undefined : passwordProblem(form.password, form.email);
    const problems = formProblems({
      token: required(form.token, 'the setup token'),
      name: required(form.name, 'your full name'),
      email: email(form.email),
      password: form.password === '' ? 'Choose a password.' : weak && sentence(weak),
    });
    if (problems) throw problems;
    onSignedIn(await api<Me>('POST', '/api/setup', form));
  }, 'setup failed: try again');
  const submit = (e: Event) => {
    e.preventDefault();
    void setUp();
  };

  return (
    <section class="card narrow" aria-labelledby="setup-title">
      <h1 id="setup-title">Create the administrator account</h1>
      <p>This is the first start: the administrator creates doctor accounts and watches the chain.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="Setup token"
          hint="Printed by medproof start. It works once."
          error={settingUp.errorFor('token')}
        >
          {(p) => <input {...p} required value={form.token} onInput={set('token')} autocomplete="off" />}
        </Field>
        <Field label="Full name" error={settingUp.errorFor('name')}>
          {(p) => <input {...p} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Email" error={settingUp.errorFor('email')}>
          {(p) => <input {...p} type="email" required value={form.email} onInput={set('email')} />}
        </Field>
        <Field label="Password" hint="At least 8 characters." error={settingUp.errorFor('password')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="new-password"
              required
              value={form.password}
              onInput={set('password')}
            />
          )}
        </Field>
        <ActionError state={settingUp} fields={['token', 'name', 'email', 'password']} />
        <button type="submit" disabled={settingUp.busy}>
          Create administrator
        </button>
      </form>
    </section>
  );
}
