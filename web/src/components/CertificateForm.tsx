import { signIssued } from '../lib/passkeys.js';
import { useState } from 'preact/hooks';
import type { CertificateInput, CertificateKindName } from '../../../src/api/index.js';
import { api, formProblems } from '../api/client.js';
import type { DocRequest, Issued } from '../api/types.js';
import { ActionError } from './ActionError.js';
import { Field, Notice } from './Field.js';
import { patientIdProblem, required } from '../lib/formChecks.js';
import { useIdempotencyKey } from '../lib/useIdempotencyKey.js';
import { useAction } from '../lib/useAction.js';

const KINDS: Record<CertificateKindName, { label: string; text: string; hint: string }> = {
  'sick-leave': {
    label: 'Medical certificate (sick leave)',
    text: 'Diagnosis and advice',
    hint: 'The certificate states the patient was examined and needs rest between the two dates.',
  },
  fitness: {
    label: 'Fitness certificate',
    text: 'Fit for',
    hint: 'For example: fit to resume normal duties.',
  },
  report: { label: 'Report (free text)', text: 'Report', hint: 'Line breaks are kept.' },
};

/**
 * Issue a certificate by filling a form instead of uploading a file: the portal renders the PDF with
 * the institution's letterhead, the doctor's name and registration number and the verification
 * stamp, and issues it like an upload.
 */
export function CertificateForm({
  request,
  onIssued,
}: {
  request: DocRequest | undefined;
  onIssued: () => Promise<void>;
}) {
  const [kind, setKind] = useState<CertificateKindName>('sick-leave');
  const [patientId, setPatientId] = useState('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [issued, setIssued] = useState<string>();
  const idempotently = useIdempotencyKey();

  const [issue, issuing] = useAction(async () => {
    setIssued(undefined);
    // Every field checked at once before sending, each problem beside its field (as the upload form).
    const problems = formProblems({
      patientId: request ? undefined : patientIdProblem(patientId),
      from:
        kind === 'report'
          ? undefined
          : required(
              from,
              kind === 'sick-leave' ? 'the first day of rest' : 'the date from which the patient is fit',
            ),
      to: kind === 'sick-leave' ? required(to, 'the last day of rest') : undefined,
      text: required(text, KINDS[kind].text.toLowerCase()),
    });
    if (problems) throw problems;
    const body: CertificateInput = {
      kind,
      text,
      ...(request ? { requestId: request.id } : { patientId }),
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(kind !== 'report' && from ? { from } : {}),
      ...(kind === 'sick-leave' && to ? { to } : {}),
    };
    const r = await idempotently(JSON.stringify(body), (key) =>
      api<Issued>('POST', '/api/certificates', body, { 'idempotency-key': key }),
    );
    setIssued(`Issued the ${KINDS[kind].label.toLowerCase()}. ${await signIssued(r)}`);
    setText('');
    setTitle('');
    setFrom('');
    setTo('');
    setPatientId('');
    await onIssued();
  }, 'the certificate could not be issued');

  return (
    <section aria-labelledby="certificate-title" class="card">
      <h2 id="certificate-title">Fill in a certificate</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void issue();
        }}
      >
        {request ? (
          <p>
            For <strong>{request.patientName}</strong>’s request.
          </p>
        ) : (
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
        )}
        <Field label="Certificate" error={issuing.errorFor('kind')}>
          {(p) => (
            <select
              {...p}
              value={kind}
              onChange={(e) => {
                setKind(e.currentTarget.value as CertificateKindName);
                // Another form: the dates and text it asks for are other fields.
                for (const f of ['kind', 'from', 'to', 'text']) issuing.clear(f);
              }}
            >
              {Object.entries(KINDS).map(([v, k]) => (
                <option key={v} value={v}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Heading (optional)"
          hint="Default: the name of the certificate"
          error={issuing.errorFor('title')}
        >
          {(p) => (
            <input
              {...p}
              maxLength={200}
              value={title}
              onInput={(e) => {
                setTitle(e.currentTarget.value);
                issuing.clear('title');
              }}
            />
          )}
        </Field>
        {kind !== 'report' && (
          <Field
            label={kind === 'sick-leave' ? 'First day of rest' : 'Fit from'}
            error={issuing.errorFor('from')}
          >
            {(p) => (
              <input
                {...p}
                type="date"
                required
                value={from}
                onInput={(e) => {
                  setFrom(e.currentTarget.value);
                  issuing.clear('from');
                }}
              />
            )}
          </Field>
        )}
        {kind === 'sick-leave' && (
          <Field label="Last day of rest" error={issuing.errorFor('to')}>
            {(p) => (
              <input
                {...p}
                type="date"
                required
                value={to}
                onInput={(e) => {
                  setTo(e.currentTarget.value);
                  issuing.clear('to');
                }}
              />
            )}
          </Field>
        )}
        <Field label={KINDS[kind].text} hint={KINDS[kind].hint} error={issuing.errorFor('text')}>
          {(p) => (
            <textarea
              {...p}
              required
              rows={5}
              maxLength={4000}
              value={text}
              onInput={(e) => {
                setText(e.currentTarget.value);
                issuing.clear('text');
              }}
            />
          )}
        </Field>
        {issued && <Notice kind="ok">{issued}</Notice>}
        <ActionError state={issuing} fields={['patientId', 'kind', 'title', 'from', 'to', 'text']} />
        <button type="submit" disabled={issuing.busy}>
          Issue certificate
        </button>
      </form>
    </section>
  );
}
