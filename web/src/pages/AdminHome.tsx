import { useState } from 'preact/hooks';
import { api, describeError } from '../api/client.js';
import type { AdminStatus, Me, UserRow } from '../api/types.js';
import { Field, Notice } from '../components/Field.js';
import { date, dateTime } from '../lib/format.js';
import { useLoad } from '../lib/useLoad.js';

export function AdminHome({ me }: { me: Me }) {
  const users = useLoad(() => api<UserRow[]>('GET', '/api/users'));
  const status = useLoad(() => api<AdminStatus>('GET', '/api/admin/status'));
  const toggle = async (u: UserRow) => {
    await api('POST', `/api/users/${u.id}/${u.status === 'active' ? 'disable' : 'enable'}`);
    await users.reload();
  };
  return (
    <div class="page">
      <h1>Administration</h1>
      <CreateDoctor onCreated={users.reload} />

      <section aria-labelledby="users-title" class="card">
        <h2 id="users-title">Users</h2>
        {users.error && <Notice>{users.error}</Notice>}
        <div class="table-wrap">
          <table>
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
                <tr key={u.id}>
                  <td class="wrap">{u.name}</td>
                  <td class="wrap">{u.email}</td>
                  <td>{u.role}</td>
                  <td>{date(u.createdAt)}</td>
                  <td>{u.status}</td>
                  <td>
                    {u.id !== me.user.id && (
                      <button
                        type="button"
                        onClick={() => void toggle(u)}
                        aria-label={`${u.status === 'active' ? 'Disable' : 'Enable'} ${u.name}`}
                      >
                        {u.status === 'active' ? 'Disable' : 'Enable'}
                      </button>
                    )}
                  </td>
                </tr>
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

function CreateDoctor({ onCreated }: { onCreated: () => Promise<void> }) {
  const empty = { name: '', email: '', registrationNumber: '', password: '' };
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const set = (k: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setMsg(undefined);
    try {
      const d = await api<{ name: string; issuerAddress: string }>('POST', '/api/doctors', form);
      setMsg({
        kind: 'ok',
        text: `Created ${d.name}. Issuer address ${d.issuerAddress} is being authorised on the chain.`,
      });
      setForm(empty);
      await onCreated();
    } catch (err) {
      const failure = describeError(err, 'could not create the doctor');
      if (failure.field) setErrors({ [failure.field]: failure.message });
      else setMsg({ kind: 'error', text: failure.message });
    }
  };
  return (
    <section aria-labelledby="create-doctor-title" class="card">
      <h2 id="create-doctor-title">Create a doctor account</h2>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Doctor’s full name" error={errors.name}>
          {(p) => <input {...p} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Doctor’s email" error={errors.email}>
          {(p) => <input {...p} type="email" required value={form.email} onInput={set('email')} />}
        </Field>
        <Field
          label="Registration number"
          hint="Medical council registration"
          error={errors.registrationNumber}
        >
          {(p) => (
            <input {...p} required value={form.registrationNumber} onInput={set('registrationNumber')} />
          )}
        </Field>
        <Field
          label="Initial password"
          hint="The doctor changes it after signing in."
          error={errors.password}
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
        {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
        <button type="submit">Create doctor</button>
      </form>
    </section>
  );
}
