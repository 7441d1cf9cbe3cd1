import type { Kysely } from 'kysely';
import type { Dialect } from '../Db.js';
import { idColumn } from './columns.js';

export function up0001(dialect: Dialect) {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('anchor_batches')
      .addColumn('id', idColumn(dialect), (c) =>
        dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('root', 'text', (c) => c.notNull().unique())
      .addColumn('leaf_count', 'integer', (c) => c.notNull())
      .addColumn('leaves', 'text', (c) => c.notNull())
      .addColumn('chain_id', 'bigint', (c) => c.notNull())
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('nonce', 'bigint')
      .addColumn('tx_hash', 'text')
      .addColumn('block_number', 'bigint')
      .addColumn('block_hash', 'text')
      .addColumn('anchored_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reanchor_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('error_code', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addColumn('confirmed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('anchor_batches_status')
      .on('anchor_batches')
      .columns(['status', 'id'])
      .execute();

    await db.schema
      .createTable('anchor_leaves')
      .addColumn('leaf', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'integer', (c) => c.references('anchor_batches.id'))
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('anchor_leaves_queue')
      .on('anchor_leaves')
      .columns(['status', 'queued_at'])
      .execute();
    await db.schema.createIndex('anchor_leaves_batch').on('anchor_leaves').column('batch_id').execute();

    await db.schema
      .createTable('anchor_txs')
      .addColumn('tx_hash', 'text', (c) => c.primaryKey())
      .addColumn('batch_id', 'integer', (c) => c.notNull().references('anchor_batches.id'))
      .addColumn('nonce', 'bigint', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('fee', 'text', (c) => c.notNull())
      .addColumn('tip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('anchor_txs_batch').on('anchor_txs').column('batch_id').execute();
  };
}
