import { useState } from 'preact/hooks';
import { passwordProblem } from '../../../src/core/index.js';
import { api, formProblems, sentence } from '../api/client.js';
import type { AdminStatusView, DoctorCreated, Me, UserRow } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { Field, Notice } from '../components/Field.js';
import { date, dateTime } from '../lib/format.js';
import { useAction } from '../lib/useAction.js';
import { email, required } from '../lib/formChecks.js';
import { useLoad } from '../lib/useLoad.js';
import { usePageTitle } from '../lib/usePageTitle.js';
import { useStepUp, type StepUpGuard } from '../lib/useStepUp.js';

export function AdminHome({ me }: { me: Me }) {
  usePageTitle('Administration');
  const users = useLoad(() => api<UserRow[]>('GET', '/api/users'));
  const status = useLoad(() => api<AdminStatusView>('GET', '/api/admin/status'));
  const { guard, prompt } = useStepUp();
  return (
    <div class="page">
      <h1>Administration</h1>
      {prompt}
      <CreateDoctor onCreated={users.reload} />

      <section aria-labelledby="users-title" class="card">
        <h2 id="users-title">Users</h2>
        {users.error && <Notice>{users.error}</Notice>}
        <div class="table-wrap">
          <table class="cards-on-phone">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {users.data?.map((u) => (
                <UserItem
                  key={u.id}
                  user={u}
                  self={u.id === me.user.id}
                  guard={guard}
                  onChanged={users.reload}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="chain-title" class="card">
        <h2 id="chain-title">Chain and anchoring</h2>
        <button type="button" onClick={() => void status.reload()}>
          Refresh status
        </button>
        {status.error && <Notice>{status.error}</Notice>}
        {status.data && (
          <dl class="facts">
            <dt>Chain node</dt>
            <dd>
              {status.data.chain.reachable ? 'reachable' : 'NOT REACHABLE'} · {status.data.chain.rpcUrl} ·
              chain {status.data.chain.chainId} · block {status.data.chain.blockNumber ?? '—'}
            </dd>
            <dt>Registry</dt>
            <dd class="mono">{status.data.chain.registry}</dd>
            <dt>Anchoring account</dt>
            <dd class="mono">{status.data.anchoring.account}</dd>
            <dt>Queue</dt>
            <dd>
              {status.data.anchoring.queued} waiting · {status.data.anchoring.inFlight} being anchored ·{' '}
              {status.data.anchoring.anchored} anchored · {status.data.anchoring.failedBatches} failed batches
              · {status.data.anchoring.reanchored} re-anchored
            </dd>
            {status.data.anchoring.oldestQueuedAt && (
              <>
                <dt>Oldest waiting since</dt>
                <dd>{dateTime(status.data.anchoring.oldestQueuedAt)}</dd>
              </>
            )}
            {(status.data.anchoring.paused ?? status.data.anchoring.lastError) && (
              <>
                <dt>Anchoring problem</dt>
                <dd>
                  {status.data.anchoring.paused?.message ?? status.data.anchoring.lastError?.message} (
                  {status.data.anchoring.paused?.code ?? status.data.anchoring.lastError?.code})
                </dd>
              </>
            )}
            <dt>Registry changes</dt>
            <dd>
              {status.data.chainOps.pending} pending · {status.data.chainOps.failed} failed
              {status.data.chainOps.lastError ? ` · ${status.data.chainOps.lastError.message}` : ''}
            </dd>
          </dl>
        )}
      </section>
    </div>
  );
}

const FIELDS = ['name', 'email', 'registrationNumber', 'password'] as const;

function CreateDoctor({ onCreated }: { onCreated: () => Promise<void> }) {
  const empty = { name: '', email: '', registrationNumber: '', password: '' };
  const [form, setForm] = useState(empty);
  const [created, setCreated] = useState<DoctorCreated>();
  const set = (k: keyof typeof form) => (e: Event) => {
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
    creating.clear(k);
  };
  const [create, creating] = useAction(async () => {
    setCreated(undefined);
    const weak = form.password === '' ? undefined : passwordProblem(form.password, form.email);
    const problems = formProblems({
      name: required(form.name, 'the doctor’s full name'),
      email: email(form.email),
      registrationNumber: required(form.registrationNumber, 'the registration number'),
      password: form.password === '' ? 'Choose an initial password.' : weak && sentence(weak),
    });
    if (problems) throw problems;
    setCreated(await api<DoctorCreated>('POST', '/api/doctors', form));
    setForm(empty);
    await onCreated();
  }, 'could not create the doctor: try again');
  const submit = (e: Event) => {
    e.preventDefault();
    void create();
  };
  return (
    <section aria-labelledby="create-doctor-title" class="card">
      <h2 id="create-doctor-title">Create a doctor account</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Doctor’s full name" error={creating.errorFor('name')}>
          {(p) => <input {...p} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Doctor’s email" error={creating.errorFor('email')}>
          {(p) => <input {...p} type="email" required value={form.email} onInput={set('email')} />}
        </Field>
        <Field
          label="Registration number"
          hint="Medical council registration"
          error={creating.errorFor('registrationNumber')}
        >
          {(p) => (
            <input {...p} required value={form.registrationNumber} onInput={set('registrationNumber')} />
          )}
        </Field>
        <Field
          label="Initial password"
          hint="The doctor changes it after signing in."
          error={creating.errorFor('password')}
        >
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
        {created && (
          <Notice kind="ok">
            Created {created.name}. Issuer address {created.issuerAddress} is being authorised on the chain.
          </Notice>
        )}
        <ActionError state={creating} fields={FIELDS} />
        <button type="submit" disabled={creating.busy}>
          Create doctor
        </button>
      </form>
    </section>
  );
}

/** A user's row, with the disable or enable button, a doctor's or admin's second factor reset, and their errors. */
function UserItem({
  user: u,
  self,
  guard,
  onChanged,
}: {
  user: UserRow;
  self: boolean;
  guard: StepUpGuard;
  onChanged: () => Promise<void>;
}) {
  const verb = u.status === 'active' ? 'Disable' : 'Enable';
  const [toggle, toggling] = useAction(async () => {
    await api('POST', `/api/users/${u.id}/${verb.toLowerCase()}`);
    await onChanged();
  }, `could not ${verb.toLowerCase()} the account`);
  return (
    <tr>
      <td data-label="Name" class="wrap">
        {u.name}
      </td>
      <td data-label="Email" class="wrap">
        {u.email}
      </td>
      <td data-label="Role">{u.role}</td>
      <td data-label="Since">{date(u.createdAt)}</td>
      <td data-label="Status">{u.status}</td>
      <td data-label="Action">
        {!self && (
          <button
            type="button"
            disabled={toggling.busy}
            onClick={() => void toggle()}
            aria-label={`${verb} ${u.name}`}
          >
            {verb}
          </button>
        )}
        <ActionError state={toggling} />
        {!self && u.role !== 'patient' && <ResetSecondFactor user={u} guard={guard} />}
      </td>
    </tr>
  );
}

/**
 * A lost phone or passkey: the admin resets the person's second factors, after saying yes to what it
 * does (they are signed out everywhere and set up a new passkey or app at their next sign-in).
 */
function ResetSecondFactor({ user: u, guard }: { user: UserRow; guard: StepUpGuard }) {
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<{ passkeys: number; totp: boolean }>();
  const [reset, resetting] = useAction(async () => {
    setDone(
      await guard(() =>
        api<{ passkeys: number; totp: boolean }>('POST', `/api/users/${u.id}/second-factor/reset`),
      ),
    );
    setAsking(false);
  }, 'the second factors could not be reset');
  if (done)
    return (
      <Notice kind="ok">
        Reset: {done.passkeys} passkey{done.passkeys === 1 ? '' : 's'}
        {done.totp ? ' and the authenticator app' : ''} removed. {u.name} sets up a new one at the next
        sign-in.
      </Notice>
    );
  if (!asking)
    return (
      <button
        type="button"
        class="secondary"
        onClick={() => setAsking(true)}
        aria-label={`Reset second factor of ${u.name}`}
      >
        Reset second factor
      </button>
    );
  return (
    <div role="group" aria-label={`Reset the second factor of ${u.name}?`} class="confirm">
      <p>
        Remove every passkey, authenticator app and recovery code of {u.name}? They are signed out everywhere
        and must set up a new one at their next sign-in. Do this only when you know it is them asking (a lost
        phone or passkey).
      </p>
      <button type="button" disabled={resetting.busy} onClick={() => void reset()}>
        Yes, reset {u.name}’s second factor
      </button>{' '}
      <button type="button" class="link" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <ActionError state={resetting} />
    </div>
  );
}
