import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { ActionError } from '../components/ActionError.js';
import { Field, Notice } from '../components/Field.js';
import { onLink } from '../lib/router.js';
import { useAction } from '../lib/useAction.js';

/**
 * `/reset`: without a token, asks for the email to send a reset link to; with the link's token (in the
 * #fragment, so it never reaches a server log or a Referer), sets the new password.
 */
export function ResetPassword() {
  const [token, setToken] = useState<string>();
  useEffect(() => {
    const take = () => {
      const t = location.hash.slice(1);
      if (!t) return;
      setToken(t);
      // Out of the address bar and the history, like the setup link.
      history.replaceState(null, '', location.pathname);
    };
    take();
    // The link opened in a tab already on /reset changes only the fragment.
    addEventListener('hashchange', take);
    return () => removeEventListener('hashchange', take);
  }, []);
  return token ? <NewPassword token={token} /> : <AskForLink />;
}

function AskForLink() {
  const [email, setEmail] = useState('');
  const [answer, setAnswer] = useState<string>();
  const [ask, asking] = useAction(async () => {
    const r = await api<{ message: string }>('POST', '/api/auth/reset', { email });
    setAnswer(r.message);
  }, 'could not send the link: try again');
  return (
    <section class="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Forgot your password?</h1>
      {answer ? (
        <Notice kind="ok">{answer}</Notice>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void ask();
          }}
          noValidate
        >
          <Field label="Email" error={asking.errorFor('email')}>
            {(p) => (
              <input
                {...p}
                type="email"
                autocomplete="email"
                required
                value={email}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" disabled={asking.busy}>
            Email me a reset link
          </button>
          <ActionError state={asking} fields={['email']} />
        </form>
      )}
      <p>
        <a href="/" onClick={onLink}>
          Back to sign in
        </a>
      </p>
    </section>
  );
}

function NewPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [save, saving] = useAction(async () => {
    await api('POST', '/api/auth/reset/complete', { token, newPassword: password });
    setDone(true);
  }, 'could not set the password: try again');
  return (
    <section class="card narrow" aria-labelledby="newpw-title">
      <h1 id="newpw-title">Choose a new password</h1>
      {done ? (
        <Notice kind="ok">
          Your password is changed and every session of your account has ended.{' '}
          <a href="/" onClick={onLink}>
            Sign in
          </a>{' '}
          with the new one.
        </Notice>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          noValidate
        >
          <Field
            label="New password"
            hint="At least 8 characters. A long phrase is best."
            error={saving.errorFor('newPassword')}
          >
            {(p) => (
              <input
                {...p}
                type="password"
                autocomplete="new-password"
                required
                minLength={8}
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" disabled={saving.busy}>
            Set the new password
          </button>
          <ActionError state={saving} fields={['newPassword']} />
        </form>
      )}
    </section>
  );
}
