import { createHmac } from 'node:crypto';
import type { Institution } from '../core/index.js';
import type { Config } from './loadConfig.js';
import type { Secrets } from './secrets.js';

/**
 * The institution registry v2 commits to: the configured name and domain, and a salt derived from the
 * data folder's secret (HMAC, domain-separated from patient references). Derived rather than stored, so
 * every process of the data folder (portal, CLI, a restart) rebuilds the same commitment without a new
 * file to back up; a changed name or domain gives another commitment, which start-up refuses.
 */
export function institutionOf(
  config: Pick<Config, 'institutionName' | 'institutionDomain'>,
  secrets: Pick<Secrets, 'patientRefSecret'>,
): Institution {
  const name = config.institutionName;
  const domain = config.institutionDomain;
  const salt = createHmac('sha256', secrets.patientRefSecret)
    .update('medproof institution salt\0')
    .update(JSON.stringify([name, domain]))
    .digest('hex');
  return { name, domain, salt: `0x${salt}` };
}
