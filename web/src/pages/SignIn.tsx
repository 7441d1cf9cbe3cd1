import { useState } from 'preact/hooks';
import { api, describeError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { Field, Notice } from '../components/Field.js';
import { onLink } from '../lib/router.js';

export function SignIn({ onSignedIn, title = 'Sign in' }: { onSignedIn: (me: Me) => void; title?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<Me>('POST', '/api/auth/login', { email, password }));
    } catch (err) {
      setError(describeError(err, 'sign-in failed').message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{title}</h1>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Email">
          {(p) => (
            <input
              {...p}
              type="email"
              autocomplete="username"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Password">
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        {error && <Notice>{error}</Notice>}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New patient?{' '}
        <a href="/register" onClick={onLink}>
          Create an account
        </a>
        . Holding a document and want to check it?{' '}
        <a href="/verify" onClick={onLink}>
          Verify it
        </a>
        .
      </p>
    </section>
  );
}
