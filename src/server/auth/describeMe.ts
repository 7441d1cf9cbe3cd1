import { Type } from '@sinclair/typebox';
import type { PortalDeps } from '../PortalDeps.js';
import type { SessionUser } from './sessions.js';

export const MeSchema = Type.Object(
  {
    user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: Type.String() }),
    csrfToken: Type.String({ description: 'send as the x-csrf-token header with every change' }),
    patient: Type.Optional(Type.Object({ patientIdMasked: Type.String(), patientIdKind: Type.String() })),
    doctor: Type.Optional(Type.Object({ registrationNumber: Type.String(), issuerAddress: Type.String() })),
  },
  { $id: 'Me' },
);

/** The signed-in user as the UI needs it: never the patient id itself, only its masked form. */
export async function describeMe(deps: PortalDeps, user: SessionUser, csrfToken: string) {
  const db = deps.db.kysely;
  const base = { user: { id: user.id, email: user.email, name: user.name, role: user.role }, csrfToken };
  if (user.role === 'patient') {
    const p = await db
      .selectFrom('patients')
      .select(['id_masked', 'id_kind'])
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    return p ? { ...base, patient: { patientIdMasked: p.id_masked, patientIdKind: p.id_kind } } : base;
  }
  if (user.role === 'doctor') {
    const d = await db
      .selectFrom('doctors')
      .select(['registration_number', 'issuer_address'])
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    return d
      ? { ...base, doctor: { registrationNumber: d.registration_number, issuerAddress: d.issuer_address } }
      : base;
  }
  return base;
}
