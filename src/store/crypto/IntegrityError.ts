import { MedproofError } from '../../core/index.js';

/** Stored bytes failed authentication: never serve them. */
export class IntegrityError extends MedproofError {
  override name = 'IntegrityError';
  constructor(message: string) {
    super('INTEGRITY_FAILURE', message);
  }
}
