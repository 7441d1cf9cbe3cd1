import { useState } from 'preact/hooks';
import { maskPatientId } from '../../../src/core/patientId/maskPatientId.js';
import { parsePatientId, type PatientIdKind } from '../../../src/core/patientId/parsePatientId.js';
import { api, describeError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { Field, Notice } from '../components/Field.js';
import { onLink } from '../lib/router.js';

const KIND_LABEL: Record<PatientIdKind, string> = {
  aadhaar: 'Aadhaar number',
  abha: 'ABHA number',
  mobile: 'mobile number',
};

/** The patient id, checked as it is typed, with the same rules the server applies. */
function idFeedback(value: string, kind: PatientIdKind | ''): { ok: boolean; text: string } | undefined {
  if (value.trim() === '') return undefined;
  const r = parsePatientId(value, kind || undefined);
  return r.ok
    ? { ok: true, text: `Valid ${KIND_LABEL[r.value.kind]}: ${maskPatientId(r.value)}` }
    : { ok: false, text: r.message };
}

export function Register({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [form, setForm] = useState({
    name: '',
    email: '',
    password: '',
    dateOfBirth: '',
    patientId: '',
    kind: '' as PatientIdKind | '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const feedback = idFeedback(form.patientId, form.kind);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(undefined);
    if (feedback && !feedback.ok) {
      setErrors({ patientId: feedback.text });
      return;
    }
    setBusy(true);
    try {
      await api('POST', '/api/patients', {
        name: form.name,
        email: form.email,
        password: form.password,
        dateOfBirth: form.dateOfBirth,
        patientId: form.patientId,
        ...(form.kind ? { patientIdKind: form.kind } : {}),
      });
      onSignedIn(await api<Me>('POST', '/api/auth/login', { email: form.email, password: form.password }));
    } catch (err) {
      const failure = describeError(err, 'registration failed');
      if (failure.field) setErrors({ [failure.field]: failure.message });
      else setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card narrow" aria-labelledby="register-title">
      <h1 id="register-title">Create a patient account</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Full name" error={errors.name}>
          {(p) => <input {...p} autocomplete="name" required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autocomplete="email"
              required
              value={form.email}
              onInput={set('email')}
            />
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters. A long phrase is best." error={errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              autocomplete="new-password"
              required
              minLength={8}
              value={form.password}
              onInput={set('password')}
            />
          )}
        </Field>
        <Field label="Date of birth" error={errors.dateOfBirth}>
          {(p) => <input {...p} type="date" required value={form.dateOfBirth} onInput={set('dateOfBirth')} />}
        </Field>
        <Field label="Kind of patient id">
          {(p) => (
            <select {...p} value={form.kind} onChange={set('kind')}>
              <option value="">Work it out from the number</option>
              <option value="aadhaar">Aadhaar (12 digits)</option>
              <option value="abha">ABHA number (14 digits)</option>
              <option value="mobile">Mobile number</option>
            </select>
          )}
        </Field>
        <Field
          label="Patient id (Aadhaar, ABHA or mobile number)"
          hint={
            feedback ? (
              <span class={feedback.ok ? 'ok' : 'bad'}>{feedback.text}</span>
            ) : (
              'Only a keyed fingerprint of it is ever recorded; it is shown masked.'
            )
          }
          error={errors.patientId}
        >
          {(p) => (
            <input
              {...p}
              inputMode="tel"
              autocomplete="off"
              required
              value={form.patientId}
              onInput={set('patientId')}
            />
          )}
        </Field>
        {error && <Notice>{error}</Notice>}
        <button type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account?{' '}
        <a href="/" onClick={onLink}>
          Sign in
        </a>
        .
      </p>
    </section>
  );
}
