/**
 * Recovery codes, shown once (the portal keeps only their hashes): each signs in once when no passkey
 * or authenticator app is at hand. Always the whole page where it shows (enrolment, security settings),
 * so its title is the page's h1.
 */
export function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  return (
    <section class="card narrow" aria-labelledby="recovery-title">
      <h1 id="recovery-title">Your recovery codes</h1>
      <p>
        Write these down or print them and keep them somewhere safe. Each code works once, for signing in when
        your passkey or authenticator app is not at hand. <strong>They are shown only now.</strong>
      </p>
      <ol class="recovery-codes mono" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <button type="button" onClick={onDone}>
        I have saved these codes
      </button>
    </section>
  );
}
