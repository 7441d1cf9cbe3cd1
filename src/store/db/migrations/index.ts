import type { Migration } from 'kysely';
import type { Dialect } from '../Db.js';
import { up0001 } from './0001_anchoring.js';
import { up0002 } from './0002_portal.js';

/** Migrations in order. Never edit a published one: add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_anchoring': { up: up0001(dialect) },
    '0002_portal': { up: up0002(dialect) },
  };
}
