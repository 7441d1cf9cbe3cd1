import { useState } from 'preact/hooks';
import { api, formProblems } from '../api/client.js';
import type { Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field } from '../components/Field.js';
import { passkeysSupported, signInWithPasskey } from '../lib/passkeys.js';
import { onLink } from '../lib/router.js';
import { email as emailProblem, required } from '../lib/formChecks.js';
import { usePageTitle } from '../lib/usePageTitle.js';
import { useAction } from '../lib/useAction.js';

export function SignIn({ onSignedIn, title = 'Sign in' }: { onSignedIn: (me: Me) => void; title?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  usePageTitle(title);
  const [signIn, signing] = useAction(async () => {
    const problems = formProblems({
      email: emailProblem(email),
      password: required(password, 'your password'),
    });
    if (problems) throw problems;
    onSignedIn(await api<Me>('POST', '/api/auth/login', { email, password }));
  }, 'sign-in failed: try again');
  const [withPasskey, passkeyState] = useAction(
    async () => onSignedIn(await signInWithPasskey()),
    'the passkey was not accepted',
  );
  const submit = (e: Event) => {
    e.preventDefault();
    void signIn();
  };

  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{title}</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Email" error={signing.errorFor('email')}>
          {(p) => (
            <input
              {...p}
              type="email"
              autocomplete="username"
              required
              value={email}
              onInput={(e) => {
                setEmail(e.currentTarget.value);
                signing.clear('email');
              }}
            />
          )}
        </Field>
        <Field label="Password" error={signing.errorFor('password')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => {
                setPassword(e.currentTarget.value);
                signing.clear('password');
              }}
            />
          )}
        </Field>
        <ActionError state={signing} fields={['email', 'password']} />
        <button type="submit" disabled={signing.busy}>
          {signing.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {passkeysSupported() && (
        <p>
          Doctors and administrators:{' '}
          <button type="button" class="link" disabled={passkeyState.busy} onClick={() => void withPasskey()}>
            sign in with a passkey
          </button>
          <ActionError state={passkeyState} />
        </p>
      )}
      <p>
        <a href="/reset" onClick={onLink}>
          Forgot your password?
        </a>
      </p>
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
