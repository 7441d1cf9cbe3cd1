import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../Db.js';
import { idColumn } from './columns.js';

/** Accounts, requests, documents, shares, sessions, the audit chain and the chain-operations outbox. */
export function up0002(dialect: Dialect) {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('doctors')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
      .addColumn('registration_number', 'text', (c) => c.notNull())
      .addColumn('issuer_address', 'text', (c) => c.notNull().unique())
      .execute();

    await db.schema
      .createTable('patients')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
      // HMAC of the normalised id: finds duplicates and the patient behind an id, without storing it in clear.
      .addColumn('patient_ref', 'text', (c) => c.notNull().unique())
      .addColumn('id_kind', 'text', (c) => c.notNull())
      .addColumn('id_sealed', 'text', (c) => c.notNull())
      .addColumn('id_masked', 'text', (c) => c.notNull())
      .addColumn('dob_sealed', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('ip', 'text')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('login_failures')
      .addColumn('id', idColumn(dialect), (c) =>
        dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('login_failures_key').on('login_failures').columns(['key', 'at']).execute();

    await db.schema
      .createTable('doc_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('doc_type', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('document_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('doc_requests_patient').on('doc_requests').column('patient_id').execute();
    await db.schema
      .createIndex('doc_requests_doctor')
      .on('doc_requests')
      .columns(['doctor_id', 'status'])
      .execute();

    await db.schema
      .createTable('documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('issuer_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('request_id', 'text')
      .addColumn('doc_type', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('doc_hash', 'text', (c) => c.notNull())
      .addColumn('salt', 'text', (c) => c.notNull())
      .addColumn('patient_ref', 'text', (c) => c.notNull())
      .addColumn('issuer_address', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('leaf', 'text', (c) => c.notNull().unique())
      .addColumn('blob_key', 'text')
      .addColumn('wrapped_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoke_reason', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('documents_patient').on('documents').column('patient_id').execute();
    await db.schema.createIndex('documents_issuer').on('documents').column('issuer_id').execute();
    await db.schema.createIndex('documents_hash').on('documents').column('doc_hash').execute();

    await db.schema
      .createTable('shares')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('token_sealed', 'text', (c) => c.notNull())
      .addColumn('recipient_doctor_id', 'text')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('max_views', 'integer')
      .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shares_document').on('shares').column('document_id').execute();
    await db.schema.createIndex('shares_recipient').on('shares').column('recipient_doctor_id').execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('document_id', 'text')
      .addColumn('subject_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_subject').on('audit_log').columns(['subject_id', 'seq']).execute();
    await db.schema.createIndex('audit_document').on('audit_log').columns(['document_id', 'seq']).execute();
    // The chain's head: appenders lock and move it in their own transaction, so the chain never forks.
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

    await db.schema
      .createTable('chain_ops')
      .addColumn('id', idColumn(dialect), (c) =>
        dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('tx_hash', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('done_at', 'bigint')
      .execute();
    await db.schema.createIndex('chain_ops_status').on('chain_ops').columns(['status', 'id']).execute();

    await db.schema
      .createTable('setup_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
  };
}
