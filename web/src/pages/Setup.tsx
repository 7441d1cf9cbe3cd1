import { useState } from 'preact/hooks';
import { api, describeError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { Field, Notice } from '../components/Field.js';

// The one-time token arrives in the fragment (never sent to a server); it is taken out of the address bar.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
if (location.hash) history.replaceState(null, '', location.pathname);

export function Setup({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [form, setForm] = useState({ name: '', email: '', password: '', token });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const set = (k: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(undefined);
    try {
      onSignedIn(await api<Me>('POST', '/api/setup', form));
    } catch (err) {
      const failure = describeError(err, 'setup failed');
      if (failure.field) setErrors({ [failure.field]: failure.message });
      else setError(failure.message);
    }
  };

  return (
    <section class="card narrow" aria-labelledby="setup-title">
      <h1 id="setup-title">Create the administrator account</h1>
      <p>This is the first start: the administrator creates doctor accounts and watches the chain.</p>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Setup token" hint="Printed by medproof start. It works once." error={errors.token}>
          {(p) => <input {...p} required value={form.token} onInput={set('token')} autocomplete="off" />}
        </Field>
        <Field label="Full name" error={errors.name}>
          {(p) => <input {...p} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(p) => <input {...p} type="email" required value={form.email} onInput={set('email')} />}
        </Field>
        <Field label="Password" hint="At least 8 characters." error={errors.password}>
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
        {error && <Notice>{error}</Notice>}
        <button type="submit">Create administrator</button>
      </form>
    </section>
  );
}
