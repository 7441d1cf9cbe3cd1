import { useState } from 'preact/hooks';
import { api, describeError, download } from '../api/client.js';
import type { AuditEvent, DocRequest, DocumentView, Doctor, Me, Share } from '../api/types.js';
import { AccessLog } from '../components/AccessLog.js';
import { Field, Notice } from '../components/Field.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { date, dateTime, DOC_TYPE_LABELS, docTypeLabel } from '../lib/format.js';
import { useLoad, usePolling } from '../lib/useLoad.js';

export function PatientHome({ me }: { me: Me }) {
  const docs = useLoad(() => api<DocumentView[]>('GET', '/api/documents'));
  const requests = useLoad(() => api<DocRequest[]>('GET', '/api/requests'));
  const doctors = useLoad(() => api<Doctor[]>('GET', '/api/doctors'));
  const log = useLoad(() => api<AuditEvent[]>('GET', '/api/audit?limit=100'));
  const [sharing, setSharing] = useState<DocumentView>();
  usePolling(Boolean(docs.data?.some((d) => d.status === 'pending')), 2000, docs.reload);

  return (
    <div class="page">
      <h1>My medical records</h1>
      <p class="muted">
        {me.user.name} · patient id {me.patient?.patientIdMasked}
      </p>

      <section aria-labelledby="docs-title" class="card">
        <h2 id="docs-title">My documents</h2>
        {docs.error && <Notice>{docs.error}</Notice>}
        {docs.data && docs.data.length === 0 && <p>No documents yet. Ask a doctor for one below.</p>}
        {docs.data && docs.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Document</th>
                  <th scope="col">Type</th>
                  <th scope="col">Issued by</th>
                  <th scope="col">Date</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {docs.data.map((d) => (
                  <tr key={d.id}>
                    <td class="wrap">{d.title}</td>
                    <td>{docTypeLabel(d.docType)}</td>
                    <td class="wrap">{d.issuer.name}</td>
                    <td>{date(d.issuedAt * 1000)}</td>
                    <td>
                      <StatusBadge doc={d} />
                    </td>
                    <td class="actions">
                      <button
                        type="button"
                        onClick={() => void download(`/api/documents/${d.id}/content`, d.fileName)}
                        aria-label={`Download ${d.title}`}
                      >
                        Download
                      </button>
                      {d.status !== 'pending' && d.status !== 'failed' && (
                        <button
                          type="button"
                          onClick={() =>
                            void download(`/api/documents/${d.id}/receipt`, `${d.fileName}.receipt.json`)
                          }
                          aria-label={`Receipt of ${d.title}`}
                        >
                          Receipt
                        </button>
                      )}
                      <button type="button" onClick={() => setSharing(d)} aria-label={`Share ${d.title}`}>
                        Share
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {sharing && (
        <SharePanel
          doc={sharing}
          doctors={doctors.data ?? []}
          onClose={() => setSharing(undefined)}
          onChanged={log.reload}
        />
      )}

      <RequestForm doctors={doctors.data ?? []} onSent={requests.reload} />

      <section aria-labelledby="requests-title" class="card">
        <h2 id="requests-title">My requests</h2>
        {requests.data && requests.data.length === 0 && <p>No requests yet.</p>}
        <ul class="list">
          {requests.data?.map((r) => (
            <li key={r.id}>
              <strong>{docTypeLabel(r.docType)}</strong> from {r.doctorName}, {date(r.createdAt)} —{' '}
              {r.status === 'open'
                ? 'waiting for the doctor'
                : r.status === 'issued'
                  ? 'issued'
                  : `rejected: ${r.reason ?? ''}`}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="log-title" class="card">
        <h2 id="log-title">Access log</h2>
        <p class="muted">Everyone who viewed, downloaded, shared or verified your documents.</p>
        <button type="button" onClick={() => void log.reload()}>
          Refresh access log
        </button>
        {log.data && <AccessLog events={log.data.filter((e) => e.document)} />}
      </section>
    </div>
  );
}

function RequestForm({ doctors, onSent }: { doctors: Doctor[]; onSent: () => Promise<void> }) {
  const [doctorId, setDoctorId] = useState('');
  const [docType, setDocType] = useState('certificate');
  const [note, setNote] = useState('');
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', '/api/requests', { doctorId, docType, note });
      setMsg({ kind: 'ok', text: 'Request sent.' });
      setNote('');
      await onSent();
    } catch (err) {
      setMsg({ kind: 'error', text: describeError(err, 'could not send the request').message });
    }
  };
  return (
    <section aria-labelledby="request-title" class="card">
      <h2 id="request-title">Request a document</h2>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Doctor">
          {(p) => (
            <select {...p} required value={doctorId} onChange={(e) => setDoctorId(e.currentTarget.value)}>
              <option value="">Choose a doctor</option>
              {doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.registrationNumber})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Document type">
          {(p) => (
            <select {...p} value={docType} onChange={(e) => setDocType(e.currentTarget.value)}>
              {Object.entries(DOC_TYPE_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Note for the doctor">
          {(p) => (
            <textarea {...p} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          )}
        </Field>
        {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
        <button type="submit">Send request</button>
      </form>
    </section>
  );
}

function SharePanel({
  doc,
  doctors,
  onClose,
  onChanged,
}: {
  doc: DocumentView;
  doctors: Doctor[];
  onClose: () => void;
  onChanged: () => Promise<void>;
}) {
  const shares = useLoad(() => api<Share[]>('GET', `/api/documents/${doc.id}/shares`), [doc.id]);
  const [hours, setHours] = useState('24');
  const [maxViews, setMaxViews] = useState('');
  const [doctorId, setDoctorId] = useState('');
  const [created, setCreated] = useState<{ id: string; url: string }>();
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string }>();

  const create = async (e: Event) => {
    e.preventDefault();
    setMsg(undefined);
    try {
      const body = {
        expiresInHours: Number(hours),
        ...(maxViews ? { maxViews: Number(maxViews) } : {}),
        ...(doctorId ? { recipientDoctorId: doctorId } : {}),
      };
      const s = await api<{ id: string; url: string }>('POST', `/api/documents/${doc.id}/shares`, body);
      setCreated(s);
      await shares.reload();
      await onChanged();
    } catch (err) {
      setMsg({ kind: 'error', text: describeError(err, 'could not create the link').message });
    }
  };
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setMsg({ kind: 'ok', text: 'Link copied.' });
    } catch {
      setMsg({ kind: 'error', text: 'Copying is not allowed here: select the link and copy it.' });
    }
  };
  const revoke = async (id: string) => {
    await api('DELETE', `/api/shares/${id}`);
    if (created?.id === id) setCreated(undefined);
    await shares.reload();
  };

  return (
    <section aria-labelledby="share-title" class="card card--accent">
      <h2 id="share-title">Share “{doc.title}”</h2>
      <form onSubmit={(e) => void create(e)} class="row">
        <Field label="Link works for">
          {(p) => (
            <select {...p} value={hours} onChange={(e) => setHours(e.currentTarget.value)}>
              <option value="1">1 hour</option>
              <option value="24">1 day</option>
              <option value="168">1 week</option>
              <option value="720">30 days</option>
            </select>
          )}
        </Field>
        <Field label="Most views (optional)">
          {(p) => (
            <input
              {...p}
              type="number"
              min={1}
              max={10000}
              value={maxViews}
              onInput={(e) => setMaxViews(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Only for this doctor (optional)">
          {(p) => (
            <select {...p} value={doctorId} onChange={(e) => setDoctorId(e.currentTarget.value)}>
              <option value="">Anyone with the link</option>
              {doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Create share link</button>
      </form>
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
      {created && (
        <div class="share-result">
          <Field label="Share link">
            {(p) => <input {...p} readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />}
          </Field>
          <button type="button" onClick={() => void copy(created.url)}>
            Copy link
          </button>
          <img
            src={`/api/shares/${created.id}/qr.png`}
            alt="QR code of the share link"
            width={200}
            height={200}
          />
        </div>
      )}
      <h3>Links to this document</h3>
      {shares.data && shares.data.length === 0 && <p>No links yet.</p>}
      <ul class="list">
        {shares.data?.map((s) => (
          <li key={s.id}>
            {s.recipient ? `For ${s.recipient.name}` : 'Anyone with the link'} ·{' '}
            {s.active ? `until ${dateTime(s.expiresAt)}` : s.revokedAt ? 'revoked' : 'expired or used up'} ·{' '}
            {s.views}
            {s.maxViews ? ` of ${s.maxViews}` : ''} views{' '}
            {s.active && (
              <button
                type="button"
                onClick={() => void revoke(s.id)}
                aria-label={`Revoke link created ${dateTime(s.createdAt)}`}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" class="link" onClick={onClose}>
        Close sharing
      </button>
    </section>
  );
}
