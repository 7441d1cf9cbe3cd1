import { useRef, useState } from 'preact/hooks';
import { api, download, formProblems, upload } from '../api/client.js';
import type { DocRequest, DocumentView, Issued, Me } from '../api/types.js';
import { ActionError } from '../components/ActionError.js';
import { CertificateForm } from '../components/CertificateForm.js';
import { DropZone } from '../components/DropZone.js';
import { Field, Notice } from '../components/Field.js';
import { DocumentDetails } from '../components/DocumentDetails.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { date, DOC_TYPE_LABELS, docTypeLabel, size, speed } from '../lib/format.js';
import { useAction } from '../lib/useAction.js';
import { patientIdProblem, required } from '../lib/formChecks.js';
import { useIdempotencyKey } from '../lib/useIdempotencyKey.js';
import { useLiveDocuments } from '../lib/useLiveDocuments.js';
import { revokeDocument, signDocument, signIssued } from '../lib/passkeys.js';
import { useLoad } from '../lib/useLoad.js';
import { usePageTitle } from '../lib/usePageTitle.js';

export function DoctorHome({ me }: { me: Me }) {
  usePageTitle('Doctor’s desk');
  const docs = useLiveDocuments();
  const requests = useLoad(() => api<DocRequest[]>('GET', '/api/requests'));
  const [forRequest, setForRequest] = useState<DocRequest>();
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
        {requests.error && <Notice>{requests.error}</Notice>}
        {open.length === 0 && <p>No open requests.</p>}
        <ul class="list">
          {open.map((r) => (
            <RequestItem key={r.id} r={r} onIssue={() => setForRequest(r)} onDone={requests.reload} />
          ))}
        </ul>
      </section>

      <IssueForm
        maxBytes={me.limits?.maxUploadBytes}
        request={forRequest}
        onClear={() => setForRequest(undefined)}
        onIssued={async () => {
          setForRequest(undefined);
          await Promise.all([docs.reload(), requests.reload()]);
        }}
      />

      <CertificateForm
        request={forRequest}
        onIssued={async () => {
          setForRequest(undefined);
          await Promise.all([docs.reload(), requests.reload()]);
        }}
      />

      <section aria-labelledby="issued-title" class="card">
        <h2 id="issued-title">Documents I issued</h2>
        {docs.error && <Notice>{docs.error}</Notice>}
        {issued.length === 0 && <p>None yet.</p>}
        {issued.length > 0 && (
          <div class="table-wrap">
            <table class="cards-on-phone">
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
                    <td data-label="Document">
                      <span class="wrap">{d.title}</span>{' '}
                      <span class="muted">({docTypeLabel(d.docType)})</span>
                      <DocumentDetails doc={d} />
                    </td>
                    <td data-label="Patient" class="wrap">
                      {d.patient.name}
                    </td>
                    <td data-label="Date">{date(d.issuedAt * 1000)}</td>
                    <td data-label="Status">
                      <StatusBadge doc={d} audience="doctor" />
                    </td>
                    <td data-label="Actions" class="actions">
                      {d.signature === 'awaited' && d.status !== 'revoked' && (
                        <SignButton doc={d} onDone={docs.reload} />
                      )}
                      {d.status !== 'revoked' && (
                        <RevokeButton
                          doc={d}
                          // A replacement is another of my documents for the same patient.
                          successors={issued.filter((o) => o.id !== d.id && o.patient.id === d.patient.id)}
                          onDone={docs.reload}
                        />
                      )}
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
            <SharedItem key={d.id} doc={d} />
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
  const [reject, rejection] = useAction(async () => {
    const problems = formProblems({ reason: required(reason, 'a reason the patient will read') });
    if (problems) throw problems;
    await api('POST', `/api/requests/${r.id}/reject`, { reason });
    await onDone();
  }, 'could not reject the request');
  const [confirm, confirmation] = useAction(async () => {
    await api('POST', `/api/requests/${r.id}/confirm-identity`);
    await onDone();
  }, 'could not confirm the identity: try again');
  return (
    <li>
      <strong>{r.patientName}</strong> asks for a {docTypeLabel(r.docType).toLowerCase()} ({date(r.createdAt)}
      ){r.note ? `: “${r.note}”` : ''}{' '}
      {!r.patientIdProven && (
        <>
          <span class="muted">(patient id not proven: documents are held until it is)</span>{' '}
          <button
            type="button"
            disabled={confirmation.busy}
            onClick={() => void confirm()}
            aria-label={`I have checked ${r.patientName}'s identity in person`}
          >
            Identity checked in person
          </button>{' '}
          <ActionError state={confirmation} />
        </>
      )}
      <button
        type="button"
        onClick={onIssue}
        aria-label={`Issue document: ${docTypeLabel(r.docType).toLowerCase()} for ${r.patientName}`}
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
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void reject();
          }}
          class="row"
          noValidate
        >
          <Field label="Reason for rejecting" error={rejection.errorFor('reason')}>
            {(p) => (
              <input
                {...p}
                required
                maxLength={2000}
                value={reason}
                onInput={(e) => {
                  setReason(e.currentTarget.value);
                  rejection.clear('reason');
                }}
              />
            )}
          </Field>
          <button type="submit" disabled={rejection.busy}>
            Confirm rejection
          </button>
          <ActionError state={rejection} fields={['reason']} />
        </form>
      )}
    </li>
  );
}

function IssueForm({
  maxBytes,
  request,
  onClear,
  onIssued,
}: {
  maxBytes: number | undefined;
  request: DocRequest | undefined;
  onClear: () => void;
  onIssued: () => Promise<void>;
}) {
  const [patientId, setPatientId] = useState('');
  const [docType, setDocType] = useState('certificate');
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<{ sent: number; total: number; bps: number }>();
  const [issued, setIssued] = useState<string>();
  const idempotently = useIdempotencyKey();
  const abort = useRef<AbortController>();

  const [issue, issuing] = useAction(async () => {
    setIssued(undefined);
    // Every field checked at once, reported like the server's own field errors: beside each field.
    const problems = formProblems({
      patientId: request ? undefined : patientIdProblem(patientId),
      title: required(title, 'a title the patient will recognise'),
      file: file ? undefined : 'Choose the document file.',
    });
    if (problems) throw problems;
    if (!file) return; // (a missing file is one of the problems above)
    const form = new FormData();
    if (request) form.set('requestId', request.id);
    else form.set('patientId', patientId);
    form.set('docType', request ? request.docType : docType);
    form.set('title', title);
    form.set('file', file, file.name);
    // What makes it "the same upload" for the browser: the fields and the chosen file.
    const same = JSON.stringify(
      [...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : [v.name, v.size, v.lastModified]]),
    );
    const started = performance.now();
    const controller = new AbortController();
    abort.current = controller;
    try {
      const r = await idempotently(same, (key) =>
        upload<Issued>(
          '/api/documents',
          form,
          (sent, total) =>
            setProgress({ sent, total, bps: sent / Math.max((performance.now() - started) / 1000, 0.001) }),
          key,
          controller.signal,
        ),
      );
      const signing = await signIssued(r);
      setIssued(
        `Issued “${title}”. ${signing} (Fingerprint ${r.docHash.slice(0, 18)}…)` +
          (r.stampNote ? ` ${r.stampNote}` : '') +
          (r.patient === 'invited'
            ? ' No account has proven this patient id yet: the document is held for it, and the patient will be invited to register and prove it.'
            : ' The patient sees it now.'),
      );
      setTitle('');
      setPatientId('');
      setFile(undefined);
      await onIssued();
    } finally {
      abort.current = undefined;
      setProgress(undefined);
    }
  }, 'the upload failed: try again');
  const submit = (e: Event) => {
    e.preventDefault();
    void issue();
  };

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.sent) / progress.total) : 0;
  return (
    <section aria-labelledby="issue-title" class="card">
      <h2 id="issue-title">Issue a document</h2>
      <form onSubmit={submit} noValidate>
        {request ? (
          <p>
            For <strong>{request.patientName}</strong>’s request: {docTypeLabel(request.docType)}.{' '}
            <button type="button" class="link" onClick={onClear}>
              Issue without a request instead
            </button>
          </p>
        ) : (
          <>
            <Field label="Patient id (Aadhaar, ABHA or mobile number)" error={issuing.errorFor('patientId')}>
              {(p) => (
                <input
                  {...p}
                  required
                  autocomplete="off"
                  value={patientId}
                  onInput={(e) => {
                    setPatientId(e.currentTarget.value);
                    issuing.clear('patientId');
                  }}
                />
              )}
            </Field>
            <Field label="Document type" error={issuing.errorFor('docType')}>
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
        <Field label="Title" error={issuing.errorFor('title')}>
          {(p) => (
            <input
              {...p}
              required
              maxLength={200}
              value={title}
              onInput={(e) => {
                setTitle(e.currentTarget.value);
                issuing.clear('title');
              }}
            />
          )}
        </Field>
        <DropZone
          label="Document file (PDF, PNG, JPEG or text)"
          accept=".pdf,.png,.jpg,.jpeg,.txt"
          file={file}
          onFile={(f) => {
            setFile(f);
            issuing.clear('file');
          }}
          {...(maxBytes !== undefined ? { maxBytes } : {})}
          error={issuing.errorFor('file')}
        />
        {progress && (
          <div class="progress">
            <label for="upload-progress">
              Uploading: {percent}% ({size(progress.sent)} of {size(progress.total)}, {speed(progress.bps)})
            </label>
            <progress id="upload-progress" max={100} value={percent}>
              {percent}%
            </progress>
            <button type="button" class="secondary" onClick={() => abort.current?.abort()}>
              Cancel upload
            </button>
          </div>
        )}
        {issued && <Notice kind="ok">{issued}</Notice>}
        <ActionError state={issuing} fields={['patientId', 'docType', 'title', 'file']} />
        <button type="submit" disabled={issuing.busy}>
          Issue document
        </button>
      </form>
    </section>
  );
}

/** A document waiting for my passkey signature: signing it sends it to be anchored. */
function SignButton({ doc, onDone }: { doc: DocumentView; onDone: () => Promise<void> }) {
  const [sign, signing] = useAction(async () => {
    await signDocument(doc.id);
    await onDone();
  }, 'the document could not be signed');
  return (
    <>
      <button
        type="button"
        onClick={() => void sign()}
        disabled={signing.busy}
        aria-label={`Sign ${doc.title}`}
      >
        Sign
      </button>
      <ActionError state={signing} />
    </>
  );
}

function RevokeButton({
  doc,
  successors,
  onDone,
}: {
  doc: DocumentView;
  successors: readonly DocumentView[];
  onDone: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('issued-in-error');
  const [supersededBy, setSupersededBy] = useState('');
  const [revoke, revoking] = useAction(async () => {
    // "Superseded" names the newer document: the chain records it and verifiers point to it.
    // A doctor with passkeys signs the revocation with one (the browser asks for it).
    await revokeDocument(doc.id, { reason, ...(reason === 'superseded' ? { supersededBy } : {}) });
    await onDone();
  }, 'could not revoke the document');
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`Revoke ${doc.title}`}>
        Revoke
      </button>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void revoke();
      }}
      class="row"
    >
      <Field label="Reason" error={revoking.errorFor('reason')}>
        {(p) => (
          <select {...p} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            <option value="issued-in-error">Issued in error</option>
            {successors.length > 0 && <option value="superseded">Superseded by a newer document</option>}
            <option value="fraud-suspected">Fraud suspected</option>
            <option value="patient-request">At the patient’s request</option>
          </select>
        )}
      </Field>
      {reason === 'superseded' && (
        <Field label="Replaced by" error={revoking.errorFor('supersededBy')}>
          {(p) => (
            <select
              {...p}
              value={supersededBy}
              onChange={(e) => setSupersededBy(e.currentTarget.value)}
              required
            >
              <option value="">Choose the newer document</option>
              {successors.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.title} ({date(o.issuedAt * 1000)})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <button type="submit" disabled={revoking.busy}>
        Confirm revocation
      </button>
      <ActionError state={revoking} fields={['reason', 'supersededBy']} />
    </form>
  );
}

/** A document a patient shared with me, with its download button and that button's error. */
function SharedItem({ doc: d }: { doc: DocumentView }) {
  const [fetchFile, file] = useAction(download, 'the file could not be downloaded');
  return (
    <li>
      <strong>{d.title}</strong> for {d.patient.name}, issued by {d.issuer.name} ·{' '}
      <StatusBadge doc={d} audience="doctor" />{' '}
      <button
        type="button"
        disabled={file.busy}
        onClick={() => void fetchFile(`/api/documents/${d.id}/content`, d.fileName)}
        aria-label={`Download ${d.title}`}
      >
        Download
      </button>
      <ActionError state={file} />
    </li>
  );
}
