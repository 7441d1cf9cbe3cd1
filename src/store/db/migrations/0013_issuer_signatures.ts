import type { Kysely } from 'kysely';
import type { Dialect } from '../Db.js';
import { idColumn } from './columns.js';

/**
 * Doctors sign what they issue (issue 9). `document_signatures`: per document and purpose (`issue`:
 * the leaf; `revoke`: the leaf and reason) the doctor's passkey assertion, null while it is awaited:
 * a document whose `issue` row is null stays out of the anchoring queue. `issuer_profiles`: every
 * profile a doctor's terms committed to, in order, so a receipt carries the profile of the term its
 * document was anchored in, not whichever is current (a new passkey starts a new term).
 */
export function up0013(dialect: Dialect) {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('document_signatures')
      .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('challenge', 'text', (c) => c.notNull())
      .addColumn('credential_id', 'text')
      .addColumn('assertion', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('signed_at', 'bigint')
      .addPrimaryKeyConstraint('document_signatures_pk', ['document_id', 'purpose'])
      .execute();
    await db.schema
      .createTable('issuer_profiles')
      .addColumn('id', idColumn(dialect), (c) =>
        dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('doctor_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('issuer_profiles_doctor')
      .on('issuer_profiles')
      .columns(['doctor_id', 'id'])
      .execute();
  };
}
