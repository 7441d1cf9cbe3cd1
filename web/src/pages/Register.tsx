import { useState } from 'preact/hooks';
import {
  maskPatientId,
  parsePatientId,
  passwordProblem,
  type PatientIdKind,
} from '../../../src/core/index.js';
import { api, formProblems, sentence } from '../api/client.js';
import type { Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field } from '../components/Field.js';
import { onLink } from '../lib/router.js';
import { email, required } from '../lib/formChecks.js';
import { usePageTitle } from '../lib/usePageTitle.js';
import { useAction } from '../lib/useAction.js';

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
    : { ok: false, text: sentence(r.message) };
}

/** A real past date, as the server's rule (checkDateOfBirth) wants it. */
function dateProblem(value: string): string | undefined {
  if (value === '') return 'Fill in your date of birth.';
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d > new Date())
    return 'Enter your date of birth: a real date in the past.';
  return undefined;
}

/** The fields this form shows their own errors beside. */
const FIELDS = ['name', 'email', 'password', 'dateOfBirth', 'patientIdKind', 'patientId'] as const;

export function Register({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  usePageTitle('Create a patient account');
  const [form, setForm] = useState({
    name: '',
    email: '',
    password: '',
    dateOfBirth: '',
    patientId: '',
    kind: '' as PatientIdKind | '',
  });
  const set = (k: keyof typeof form) => (e: Event) => {
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
    // The field changed: its old error no longer describes it.
    registering.clear(k === 'kind' ? 'patientIdKind' : k);
    if (k === 'kind') registering.clear('patientId');
  };
  const feedback = idFeedback(form.patientId, form.kind);

  const [register, registering] = useAction(async () => {
    // Every field checked at once, with the server's own rules where the browser has them, and shown
    // beside its field like the server's errors.
    const problems = formProblems({
      name: required(form.name, 'your full name'),
      email: email(form.email),
      password:
        form.password === ''
          ? 'Choose a password.'
          : sentence(passwordProblem(form.password, form.email) ?? '') || undefined,
      dateOfBirth: dateProblem(form.dateOfBirth),
      patientId:
        form.patientId.trim() === ''
          ? 'Fill in your patient id.'
          : feedback && !feedback.ok
            ? feedback.text
            : undefined,
    });
    if (problems) throw problems;
    await api('POST', '/api/patients', {
      name: form.name,
      email: form.email,
      password: form.password,
      dateOfBirth: form.dateOfBirth,
      patientId: form.patientId,
      ...(form.kind ? { patientIdKind: form.kind } : {}),
    });
    onSignedIn(await api<Me>('POST', '/api/auth/login', { email: form.email, password: form.password }));
  }, 'registration failed');
  const submit = (e: Event) => {
    e.preventDefault();
    void register();
  };

  return (
    <section class="card narrow" aria-labelledby="register-title">
      <h1 id="register-title">Create a patient account</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Full name" error={registering.errorFor('name')}>
          {(p) => <input {...p} autocomplete="name" required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Email" error={registering.errorFor('email')}>
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
        <Field
          label="Password"
          hint="At least 8 characters. A long phrase is best."
          error={registering.errorFor('password')}
        >
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
        <Field label="Date of birth" error={registering.errorFor('dateOfBirth')}>
          {(p) => <input {...p} type="date" required value={form.dateOfBirth} onInput={set('dateOfBirth')} />}
        </Field>
        <Field label="Kind of patient id" error={registering.errorFor('patientIdKind')}>
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
            // Beside an error, the live feedback would repeat or contradict it: the error alone speaks.
            feedback && !registering.errorFor('patientId') ? (
              <span class={feedback.ok ? 'ok' : 'bad'}>{feedback.text}</span>
            ) : (
              'Only a keyed fingerprint of it is ever recorded; it is shown masked.'
            )
          }
          error={registering.errorFor('patientId')}
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
        <ActionError state={registering} fields={FIELDS} />
        <button type="submit" disabled={registering.busy}>
          {registering.busy ? 'Creating your account…' : 'Create account'}
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
