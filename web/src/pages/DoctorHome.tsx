import { useState } from 'preact/hooks';
import { api, describeError, download, upload } from '../api/client.js';
import type { DocRequest, DocumentView, Me } from '../api/types.js';
import { DropZone } from '../components/DropZone.js';
import { Field, Notice } from '../components/Field.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { date, DOC_TYPE_LABELS, docTypeLabel, size, speed } from '../lib/format.js';
import { useLoad, usePolling } from '../lib/useLoad.js';

export function DoctorHome({ me }: { me: Me }) {
  const docs = useLoad(() => api<DocumentView[]>('GET', '/api/documents'));
  const requests = useLoad(() => api<DocRequest[]>('GET', '/api/requests'));
  const [forRequest, setForRequest] = useState<DocRequest>();
  usePolling(Boolean(docs.data?.some((d) => d.status === 'pending')), 2000, docs.reload);
  const issued = docs.data?.filter((d) => !d.sharedWithMe) ?? [];
  const shared = docs.data?.filter((d) => d.sharedWithMe) ?? [];
  const open = requests.data?.filter((r) => r.status === 'open') ?? [];

  return (
    <div class="page">
      <h1>Doctor’s desk</h1>
      <p class="muted">
        {me.user.name} · registration {me.doctor?.registrationNumber}
      </p>

      <section aria-labelledby="queue-title" class="card">
        <h2 id="queue-title">Request queue</h2>
        {open.length === 0 && <p>No open requests.</p>}
        <ul class="list">
          {open.map((r) => (
            <RequestItem key={r.id} r={r} onIssue={() => setForRequest(r)} onDone={requests.reload} />
          ))}
        </ul>
      </section>

      <IssueForm
        request={forRequest}
        onClear={() => setForRequest(undefined)}
        onIssued={async () => {
          setForRequest(undefined);
          await Promise.all([docs.reload(), requests.reload()]);
        }}
      />

      <section aria-labelledby="issued-title" class="card">
        <h2 id="issued-title">Documents I issued</h2>
        {issued.length === 0 && <p>None yet.</p>}
        {issued.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Document</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Date</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {issued.map((d) => (
                  <tr key={d.id}>
                    <td class="wrap">
                      {d.title} <span class="muted">({docTypeLabel(d.docType)})</span>
                    </td>
                    <td class="wrap">{d.patient.name}</td>
                    <td>{date(d.issuedAt * 1000)}</td>
                    <td>
                      <StatusBadge doc={d} />
                    </td>
                    <td class="actions">
                      {d.status !== 'revoked' && <RevokeButton doc={d} onDone={docs.reload} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="shared-title" class="card">
        <h2 id="shared-title">Shared with me</h2>
        {shared.length === 0 && <p>No patient has shared a document with you.</p>}
        <ul class="list">
          {shared.map((d) => (
            <li key={d.id}>
              <strong>{d.title}</strong> for {d.patient.name}, issued by {d.issuer.name} ·{' '}
              <StatusBadge doc={d} />{' '}
              <button
                type="button"
                onClick={() => void download(`/api/documents/${d.id}/content`, d.fileName)}
                aria-label={`Download ${d.title}`}
              >
                Download
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function RequestItem({
  r,
  onIssue,
  onDone,
}: {
  r: DocRequest;
  onIssue: () => void;
  onDone: () => Promise<void>;
}) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const reject = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', `/api/requests/${r.id}/reject`, { reason });
      await onDone();
    } catch (err) {
      setError(describeError(err, 'could not reject').message);
    }
  };
  return (
    <li>
      <strong>{r.patientName}</strong> asks for a {docTypeLabel(r.docType).toLowerCase()} ({date(r.createdAt)}
      ){r.note ? `: “${r.note}”` : ''}{' '}
      <button
        type="button"
        onClick={onIssue}
        aria-label={`Issue ${docTypeLabel(r.docType)} for ${r.patientName}`}
      >
        Issue document
      </button>{' '}
      <button
        type="button"
        onClick={() => setRejecting(!rejecting)}
        aria-expanded={rejecting}
        aria-label={`Reject request from ${r.patientName}`}
      >
        Reject
      </button>
      {rejecting && (
        <form onSubmit={(e) => void reject(e)} class="row">
          <Field label="Reason for rejecting" error={error}>
            {(p) => (
              <input
                {...p}
                required
                maxLength={2000}
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit">Confirm rejection</button>
        </form>
      )}
    </li>
  );
}

function IssueForm({
  request,
  onClear,
  onIssued,
}: {
  request: DocRequest | undefined;
  onClear: () => void;
  onIssued: () => Promise<void>;
}) {
  const [patientId, setPatientId] = useState('');
  const [docType, setDocType] = useState('certificate');
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<{ sent: number; total: number; bps: number }>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string }>();

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setMsg(undefined);
    if (!file) {
      setErrors({ file: 'choose the document file' });
      return;
    }
    const form = new FormData();
    if (request) form.set('requestId', request.id);
    else form.set('patientId', patientId);
    form.set('docType', request ? request.docType : docType);
    form.set('title', title);
    form.set('file', file, file.name);
    const started = performance.now();
    try {
      const r = await upload<{ id: string; docHash: string }>('/api/documents', form, (sent, total) =>
        setProgress({ sent, total, bps: sent / Math.max((performance.now() - started) / 1000, 0.001) }),
      );
      setMsg({
        kind: 'ok',
        text: `Issued “${title}”. Fingerprint ${r.docHash.slice(0, 18)}… It is being anchored on the chain.`,
      });
      setTitle('');
      setPatientId('');
      setFile(undefined);
      await onIssued();
    } catch (err) {
      const failure = describeError(err, 'the upload failed');
      if (failure.field) setErrors({ [failure.field]: failure.message });
      else setMsg({ kind: 'error', text: failure.message });
    } finally {
      setProgress(undefined);
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.sent) / progress.total) : 0;
  return (
    <section aria-labelledby="issue-title" class="card">
      <h2 id="issue-title">Issue a document</h2>
      <form onSubmit={(e) => void submit(e)}>
        {request ? (
          <p>
            For <strong>{request.patientName}</strong>’s request: {docTypeLabel(request.docType)}.{' '}
            <button type="button" class="link" onClick={onClear}>
              Issue without a request instead
            </button>
          </p>
        ) : (
          <>
            <Field label="Patient id (Aadhaar, ABHA or mobile number)" error={errors.patientId}>
              {(p) => (
                <input
                  {...p}
                  required
                  autocomplete="off"
                  value={patientId}
                  onInput={(e) => setPatientId(e.currentTarget.value)}
                />
              )}
            </Field>
            <Field label="Document type" error={errors.docType}>
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
          </>
        )}
        <Field label="Title" error={errors.title}>
          {(p) => (
            <input
              {...p}
              required
              maxLength={200}
              value={title}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          )}
        </Field>
        <DropZone
          label="Document file (PDF, PNG, JPEG or text)"
          accept=".pdf,.png,.jpg,.jpeg,.txt"
          file={file}
          onFile={setFile}
        />
        {errors.file && <Notice>{errors.file}</Notice>}
        {progress && (
          <div class="progress">
            <label for="upload-progress">
              Uploading: {percent}% ({size(progress.sent)} of {size(progress.total)}, {speed(progress.bps)})
            </label>
            <progress id="upload-progress" max={100} value={percent}>
              {percent}%
            </progress>
          </div>
        )}
        {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
        <button type="submit" disabled={Boolean(progress)}>
          Issue document
        </button>
      </form>
    </section>
  );
}

function RevokeButton({ doc, onDone }: { doc: DocumentView; onDone: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('superseded');
  const [error, setError] = useState<string>();
  const revoke = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', `/api/documents/${doc.id}/revoke`, { reason });
      await onDone();
    } catch (err) {
      setError(describeError(err, 'could not revoke').message);
    }
  };
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`Revoke ${doc.title}`}>
        Revoke
      </button>
    );
  }
  return (
    <form onSubmit={(e) => void revoke(e)} class="row">
      <Field label="Reason" error={error}>
        {(p) => (
          <select {...p} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            <option value="superseded">Superseded by a newer document</option>
            <option value="issued-in-error">Issued in error</option>
            <option value="fraud-suspected">Fraud suspected</option>
            <option value="patient-request">At the patient’s request</option>
          </select>
        )}
      </Field>
      <button type="submit">Confirm revocation</button>
    </form>
  );
}
