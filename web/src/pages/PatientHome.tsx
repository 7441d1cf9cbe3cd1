import { useEffect, useState } from 'preact/hooks';
import { api, download, formProblems } from '../api/client.js';
import type {
  AuditEvent,
  DocRequest,
  DoctorListItem,
  DocumentView,
  Me,
  Share,
  ShareCreated,
} from '../api/types.js';
import { AccessLog } from '../components/AccessLog.js';
import { ActionError } from '../components/ActionError.js';
import { Field, Notice } from '../components/Field.js';
import { DocumentDetails } from '../components/DocumentDetails.js';
import { ShareLink } from '../components/ShareLink.js';
import { ProvePatientId } from '../components/ProvePatientId.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { date, dateTime, DOC_TYPE_LABELS, docTypeLabel } from '../lib/format.js';
import { useAction } from '../lib/useAction.js';
import { chosen } from '../lib/formChecks.js';
import { useLiveDocuments } from '../lib/useLiveDocuments.js';
import { useLoad } from '../lib/useLoad.js';
import { usePageTitle } from '../lib/usePageTitle.js';

export function PatientHome({ me }: { me: Me }) {
  usePageTitle('My medical records');
  const docs = useLiveDocuments();
  const requests = useLoad(() => api<DocRequest[]>('GET', '/api/requests'));
  const doctors = useLoad(() => api<DoctorListItem[]>('GET', '/api/doctors'));
  const log = useLoad(() => api<AuditEvent[]>('GET', '/api/audit?limit=100'));
  const [sharingId, setSharingId] = useState<string>();
  // A document issued or withdrawn changes the requests (one is now "issued") and the access log too.
  const { reload: reloadRequests } = requests;
  const { reload: reloadLog } = log;
  const docsMark = docs.data?.map((d) => `${d.id}:${d.status}`).join(',');
  useEffect(() => {
    if (docsMark === undefined) return;
    void reloadRequests();
    void reloadLog();
  }, [docsMark, reloadRequests, reloadLog]);
  // The panel follows the live list: a document withdrawn while its panel is open loses its Share.
  const sharing = docs.data?.find((d) => d.id === sharingId && d.status !== 'revoked');

  return (
    <div class="page">
      <h1>My medical records</h1>
      <p class="muted">
        {me.user.name} · patient id {me.patient?.patientIdMasked}
      </p>

      <ProvePatientId
        me={me}
        onProven={() => {
          void docs.reload();
          void log.reload();
        }}
      />

      <section aria-labelledby="docs-title" class="card">
        <h2 id="docs-title">My documents</h2>
        <p class="muted">This list updates by itself when a doctor issues or secures a document.</p>
        {docs.error && <Notice>{docs.error}</Notice>}
        {docs.data && docs.data.length === 0 && <p>No documents yet. Ask a doctor for one below.</p>}
        {docs.data && docs.data.length > 0 && (
          <ul class="cards" aria-label="My documents">
            {docs.data.map((d) => (
              <DocumentCard key={d.id} doc={d} onShare={() => setSharingId(d.id)} />
            ))}
          </ul>
        )}
      </section>

      {sharing && (
        <SharePanel
          doc={sharing}
          doctors={doctors.data ?? []}
          onClose={() => setSharingId(undefined)}
          onChanged={log.reload}
        />
      )}

      <RequestForm doctors={doctors.data ?? []} onSent={requests.reload} />

      <section aria-labelledby="requests-title" class="card">
        <h2 id="requests-title">My requests</h2>
        {requests.error && <Notice>{requests.error}</Notice>}
        {requests.data && requests.data.length === 0 && <p>No requests yet.</p>}
        <ul class="list">
          {requests.data?.map((r) => (
            <li key={r.id}>
              <strong>{docTypeLabel(r.docType)}</strong> from {r.doctorName}, {date(r.createdAt)} —{' '}
              {r.status === 'open'
                ? 'waiting for the doctor'
                : r.status === 'issued'
                  ? 'issued'
                  : `turned down: ${r.reason ?? ''}`}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="log-title" class="card">
        <h2 id="log-title">Access log</h2>
        <p class="muted">Everyone who viewed, downloaded, shared or verified your documents.</p>
        <button type="button" class="secondary" onClick={() => void log.reload()}>
          Refresh access log
        </button>
        {log.error && <Notice>{log.error}</Notice>}
        {log.data && <AccessLog events={log.data.filter((e) => e.document)} />}
      </section>
    </div>
  );
}

/** One of my documents as a card: what it is, its status in words, its actions, its details folded away. */
function DocumentCard({ doc: d, onShare }: { doc: DocumentView; onShare: () => void }) {
  const [fetchFile, file] = useAction(download, 'the file could not be downloaded: try again');
  const hasProof = d.status === 'anchored' || d.status === 'revoked';
  return (
    <li class="card doc-card" data-document={d.id}>
      <h3 class="wrap">{d.title}</h3>
      <p class="doc-card__meta">
        {docTypeLabel(d.docType)} · issued by <span class="wrap">{d.issuer.name}</span> ·{' '}
        {date(d.issuedAt * 1000)}
      </p>
      <p>
        <StatusBadge doc={d} audience="patient" />
      </p>
      <div class="actions">
        <button
          type="button"
          disabled={file.busy}
          onClick={() => void fetchFile(`/api/documents/${d.id}/content`, d.fileName)}
          aria-label={`Download ${d.title}`}
        >
          Download
        </button>
        {hasProof && (
          <button
            type="button"
            disabled={file.busy}
            onClick={() => void fetchFile(`/api/documents/${d.id}/receipt`, `${d.fileName}.receipt.json`)}
            aria-label={`Proof file (for verifiers) of ${d.title}`}
          >
            Proof file (for verifiers)
          </button>
        )}
        {d.status !== 'revoked' && (
          <button type="button" onClick={onShare} aria-label={`Share ${d.title}`}>
            Share
          </button>
        )}
        <ActionError state={file} />
      </div>
      <DocumentDetails doc={d} />
    </li>
  );
}

function RequestForm({ doctors, onSent }: { doctors: DoctorListItem[]; onSent: () => Promise<void> }) {
  const [doctorId, setDoctorId] = useState('');
  const [docType, setDocType] = useState('certificate');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState(false);
  const [send, sending] = useAction(async () => {
    setSent(false);
    const problems = formProblems({ doctorId: chosen(doctorId, 'the doctor to ask') });
    if (problems) throw problems;
    await api('POST', '/api/requests', { doctorId, docType, note });
    setSent(true);
    setNote('');
    await onSent();
  }, 'could not send the request: try again');
  const submit = (e: Event) => {
    e.preventDefault();
    void send();
  };
  return (
    <section aria-labelledby="request-title" class="card">
      <h2 id="request-title">Request a document</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Doctor" error={sending.errorFor('doctorId')}>
          {(p) => (
            <select
              {...p}
              value={doctorId}
              onChange={(e) => {
                setDoctorId(e.currentTarget.value);
                setSent(false);
                sending.clear('doctorId');
              }}
            >
              <option value="">Choose a doctor</option>
              {doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.registrationNumber})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Document type" error={sending.errorFor('docType')}>
          {(p) => (
            <select
              {...p}
              value={docType}
              onChange={(e) => {
                setDocType(e.currentTarget.value);
                setSent(false);
              }}
            >
              {Object.entries(DOC_TYPE_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Note for the doctor" error={sending.errorFor('note')}>
          {(p) => (
            <textarea
              {...p}
              maxLength={2000}
              value={note}
              onInput={(e) => {
                setNote(e.currentTarget.value);
                setSent(false);
              }}
            />
          )}
        </Field>
        {sent && <Notice kind="ok">Request sent.</Notice>}
        <ActionError state={sending} fields={['doctorId', 'docType', 'note']} />
        <button type="submit" disabled={sending.busy}>
          Send request
        </button>
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
  doctors: DoctorListItem[];
  onClose: () => void;
  onChanged: () => Promise<void>;
}) {
  const shares = useLoad(() => api<Share[]>('GET', `/api/documents/${doc.id}/shares`), [doc.id]);
  const [hours, setHours] = useState('24');
  const [maxViews, setMaxViews] = useState('');
  const [doctorId, setDoctorId] = useState('');
  // The link shown open: the one just created, or an earlier one reopened from the list.
  const [openId, setOpenId] = useState<string>();

  const [createLink, creating] = useAction(async () => {
    const body = {
      expiresInHours: Number(hours),
      ...(maxViews ? { maxViews: Number(maxViews) } : {}),
      ...(doctorId ? { recipientDoctorId: doctorId } : {}),
    };
    const created = await api<ShareCreated>('POST', `/api/documents/${doc.id}/shares`, body);
    setOpenId(created.id);
    await shares.reload();
    await onChanged();
  }, 'could not create the link: try again');
  const create = (e: Event) => {
    e.preventDefault();
    void createLink();
  };
  const revoked = async (id: string) => {
    if (openId === id) setOpenId(undefined);
    await Promise.all([shares.reload(), onChanged()]);
  };

  return (
    <section aria-labelledby="share-title" class="card card--accent">
      <h2 id="share-title" class="wrap">
        Share “{doc.title}”
      </h2>
      <form onSubmit={create} class="row" noValidate>
        <Field label="Link works for" error={creating.errorFor('expiresInHours')}>
          {(p) => (
            <select {...p} value={hours} onChange={(e) => setHours(e.currentTarget.value)}>
              <option value="1">1 hour</option>
              <option value="24">1 day</option>
              <option value="168">1 week</option>
              <option value="720">30 days</option>
            </select>
          )}
        </Field>
        <Field label="Most views (optional)" hint="Empty: no limit." error={creating.errorFor('maxViews')}>
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={1}
              max={10000}
              value={maxViews}
              onInput={(e) => setMaxViews(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Only for this doctor (optional)" error={creating.errorFor('recipientDoctorId')}>
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
        <button type="submit" disabled={creating.busy}>
          Create share link
        </button>
        <ActionError state={creating} fields={['expiresInHours', 'maxViews', 'recipientDoctorId']} />
      </form>
      <h3>Links to this document</h3>
      {shares.error && <Notice>{shares.error}</Notice>}
      {shares.data && shares.data.length === 0 && <p>No links yet.</p>}
      <ul class="list list--plain">
        {shares.data?.map((s) => (
          <ShareItem
            key={s.id}
            share={s}
            title={doc.title}
            open={openId === s.id}
            onToggle={() => setOpenId(openId === s.id ? undefined : s.id)}
            onRevoked={() => revoked(s.id)}
          />
        ))}
      </ul>
      <button type="button" class="link" onClick={onClose}>
        Close sharing
      </button>
    </section>
  );
}

/** One link to a document: what it allows, its revoke button, and the link and QR, reopened on demand. */
function ShareItem({
  share: s,
  title,
  open,
  onToggle,
  onRevoked,
}: {
  share: Share;
  title: string;
  open: boolean;
  onToggle: () => void;
  onRevoked: () => Promise<void>;
}) {
  const [revoke, revoking] = useAction(async () => {
    await api('DELETE', `/api/shares/${s.id}`);
    await onRevoked();
  }, 'could not revoke the link: try again');
  const created = dateTime(s.createdAt);
  return (
    <li class="share-item">
      <p>
        {s.recipient ? `For ${s.recipient.name}` : 'Anyone with the link'} ·{' '}
        {s.active ? `until ${dateTime(s.expiresAt)}` : s.revokedAt ? 'revoked' : 'expired or used up'} ·{' '}
        {s.views}
        {s.maxViews ? ` of ${s.maxViews}` : ''} views
      </p>
      {s.active && (
        <div class="actions">
          <button
            type="button"
            aria-expanded={open}
            onClick={onToggle}
            aria-label={`${open ? 'Hide' : 'Show'} link and QR code created ${created}`}
          >
            {open ? 'Hide link and QR code' : 'Show link and QR code'}
          </button>
          <button
            type="button"
            disabled={revoking.busy}
            onClick={() => void revoke()}
            aria-label={`Revoke link created ${created}`}
          >
            Revoke
          </button>
          <ActionError state={revoking} />
        </div>
      )}
      {s.active && open && <ShareLink id={s.id} url={s.url} title={title} />}
    </li>
  );
}
