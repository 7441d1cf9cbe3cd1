import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { maskPatientId } from '../../core/patientId/maskPatientId.js';
import { parsePatientId, PATIENT_ID_KINDS } from '../../core/patientId/parsePatientId.js';
import { patientRef } from '../../core/patientId/patientRef.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { sealText } from '../../store/crypto/keyWrap.js';
import { clientIp } from '../auth/authPlugin.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { badRequest, conflict } from '../http/HttpError.js';
import { Email, Name, Password, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';

const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Name,
    dateOfBirth: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    patientId: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'Aadhaar (12 digits), ABHA (14 digits) or mobile number',
    }),
    patientIdKind: Type.Optional(Type.Union(PATIENT_ID_KINDS.map((k) => Type.Literal(k)))),
  },
  { additionalProperties: false },
);

const PatientCreated = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  patientIdMasked: Type.String(),
  patientIdKind: Type.String(),
});

/** A plausible date of birth: a real calendar date, not in the future, within 150 years. */
export function checkDateOfBirth(value: string): void {
  const d = new Date(`${value}T00:00:00Z`);
  const valid = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
  const now = new Date();
  if (!valid || d > now || now.getUTCFullYear() - d.getUTCFullYear() > 150) {
    throw badRequest(
      'INVALID_DATE_OF_BIRTH',
      'date of birth must be a real past date (YYYY-MM-DD)',
      'dateOfBirth',
    );
  }
}

/** Patients register themselves; their id is validated, stored sealed, shown masked, and unique. */
export function patientRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;
  app.post<{ Body: Static<typeof RegisterBody> }>(
    '/api/patients',
    {
      schema: {
        tags: ['patients'],
        summary: 'Register as a patient',
        body: RegisterBody,
        response: withErrors({ 201: PatientCreated }),
      },
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const b = request.body;
      const email = b.email.trim().toLowerCase();
      const id = parsePatientId(b.patientId, b.patientIdKind);
      if (!id.ok) throw badRequest(id.code, id.message, 'patientId');
      checkDateOfBirth(b.dateOfBirth);
      checkPasswordPolicy(b.password, email);
      const ref = patientRef(deps.patientRefSecret, id.value);
      const hash = await hashPassword(b.password);
      const userId = randomUUID();
      const now = Date.now();
      const masked = maskPatientId(id.value);
      await db.transaction().execute(async (trx) => {
        const taken =
          (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) ??
          (await trx
            .selectFrom('patients')
            .select('user_id')
            .where('patient_ref', '=', ref)
            .executeTakeFirst());
        // One answer for a taken email and a taken patient id: neither is confirmed to a stranger.
        if (taken)
          throw conflict('ALREADY_REGISTERED', 'an account with this email or patient id exists already');
        await trx
          .insertInto('users')
          .values({
            id: userId,
            email,
            password_hash: hash,
            role: 'patient',
            name: b.name.trim(),
            status: 'active',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await trx
          .insertInto('patients')
          .values({
            user_id: userId,
            patient_ref: ref,
            id_kind: id.value.kind,
            id_sealed: sealText(deps.masterKey, id.value.normalised, `patient-id:${userId}`),
            id_masked: masked,
            dob_sealed: sealText(deps.masterKey, b.dateOfBirth, `dob:${userId}`),
          })
          .execute();
        await appendAudit(trx, {
          actorId: userId,
          actorRole: 'patient',
          action: 'user.created',
          outcome: 'success',
          subjectId: userId,
          ip: clientIp(request),
          details: { role: 'patient' },
        });
      });
      return reply.status(201).send({
        id: userId,
        email,
        name: b.name.trim(),
        patientIdMasked: masked,
        patientIdKind: id.value.kind,
      });
    },
  );
}
