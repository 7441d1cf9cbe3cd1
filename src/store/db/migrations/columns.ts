import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../Db.js';

/** An auto-numbered primary key: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's identity. */
export function idColumn(dialect: Dialect): 'integer' | RawBuilder<unknown> {
  return dialect === 'sqlite' ? 'integer' : sql`integer generated always as identity`;
}
