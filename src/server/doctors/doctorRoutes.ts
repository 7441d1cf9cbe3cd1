import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { getAddress, isAddress } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { enqueueChainOp } from '../../anchoring/ChainOpsWorker.js';
import { appendAudit } from '../../store/audit/appendAudit.js';
import { clientIp } from '../auth/authPlugin.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { badRequest, conflict } from '../http/HttpError.js';
import { Email, Name, Password, withErrors } from '../http/schemas.js';
import type { PortalDeps } from '../PortalDeps.js';

const CreateDoctor = Type.Object(
  {
    email: Email,
    name: Name,
    registrationNumber: Type.String({
      minLength: 2,
      maxLength: 64,
      pattern: '^[A-Za-z0-9/ .-]+$',
      description: 'medical council registration number',
    }),
    password: Password,
    issuerAddress: Type.Optional(
      Type.String({
        pattern: '^0x[0-9a-fA-F]{40}$',
        description: "the doctor's own Ethereum address, if they have one",
      }),
    ),
  },
  { additionalProperties: false },
);
const Doctor = Type.Object({ id: Type.String(), name: Type.String(), registrationNumber: Type.String() });
const DoctorCreated = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  registrationNumber: Type.String(),
  issuerAddress: Type.String(),
});

/**
 * Doctors are created by an admin. Each gets an issuer address (their own, or a fresh one whose key is
 * never kept: the portal anchors for them) and ISSUER_ROLE on chain through the chain-operations outbox.
 */
export function doctorRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/doctors',
    {
      schema: {
        tags: ['doctors'],
        summary: 'Active doctors (for choosing whom to ask for a document)',
        response: withErrors({ 200: Type.Array(Doctor) }),
      },
    },
    async () => {
      const rows = await db
        .selectFrom('doctors')
        .innerJoin('users', 'users.id', 'doctors.user_id')
        .select(['users.id', 'users.name', 'doctors.registration_number'])
        .where('users.status', '=', 'active')
        .orderBy('users.name')
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, registrationNumber: r.registration_number }));
    },
  );

  app.post<{ Body: Static<typeof CreateDoctor> }>(
    '/api/doctors',
    {
      schema: {
        tags: ['doctors'],
        summary: 'Create a doctor account (admin)',
        body: CreateDoctor,
        response: withErrors({ 201: DoctorCreated }),
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) => {
      const b = request.body;
      const email = b.email.trim().toLowerCase();
      checkPasswordPolicy(b.password, email);
      if (b.issuerAddress !== undefined && !isAddress(b.issuerAddress, { strict: false }))
        throw badRequest('BAD_ADDRESS', 'not an Ethereum address', 'issuerAddress');
      const issuerAddress = b.issuerAddress
        ? getAddress(b.issuerAddress)
        : privateKeyToAddress(generatePrivateKey());
      const hash = await hashPassword(b.password);
      const id = randomUUID();
      const now = Date.now();
      const admin = request.auth!.user;
      await db.transaction().execute(async (trx) => {
        if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())
          throw conflict('ALREADY_REGISTERED', 'this email is taken');
        if (
          await trx
            .selectFrom('doctors')
            .select('user_id')
            .where('issuer_address', '=', issuerAddress)
            .executeTakeFirst()
        ) {
          throw conflict('ALREADY_REGISTERED', 'this issuer address belongs to another doctor');
        }
        await trx
          .insertInto('users')
          .values({
            id,
            email,
            password_hash: hash,
            role: 'doctor',
            name: b.name.trim(),
            status: 'active',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await trx
          .insertInto('doctors')
          .values({
            user_id: id,
            registration_number: b.registrationNumber.trim(),
            issuer_address: issuerAddress,
          })
          .execute();
        await enqueueChainOp(trx, { kind: 'grant_issuer', address: issuerAddress });
        await appendAudit(trx, {
          actorId: admin.id,
          actorRole: 'admin',
          action: 'user.created',
          outcome: 'success',
          ip: clientIp(request),
          details: { role: 'doctor', userId: id },
        });
      });
      deps.chainOps.kick();
      return reply.status(201).send({
        id,
        email,
        name: b.name.trim(),
        registrationNumber: b.registrationNumber.trim(),
        issuerAddress,
      });
    },
  );
}
