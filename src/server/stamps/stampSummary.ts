import type { StampSummary } from '../../api/index.js';
import { initialsOf } from '../../core/index.js';

/** The verification page's summary of a document, from what the portal knows at issue. */
export function stampSummary(o: {
  docType: string;
  title: string;
  issuedAt: number;
  doctor: StampSummary['doctor'];
  institution: string;
  /** `name` is null for a document held for an unproven patient id: the summary then names no one. */
  patient: { name: string | null; maskedId: string };
  certificate?: StampSummary['certificate'];
}): StampSummary {
  return {
    docType: o.docType,
    title: o.title,
    issuedAt: o.issuedAt,
    doctor: o.doctor,
    institution: o.institution,
    patient: { initials: o.patient.name ? initialsOf(o.patient.name) : '', maskedId: o.patient.maskedId },
    ...(o.certificate ? { certificate: o.certificate } : {}),
  };
}
