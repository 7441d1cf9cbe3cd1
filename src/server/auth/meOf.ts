import type { LoadedSession, SessionStage, SessionUser } from '../../store/index.js';
import type { PortalDeps } from '../PortalDeps.js';

/**
 * The `Me` answer: who, the CSRF token, the session's stage, and at the second-factor stage which
 * factors can confirm it (so the page offers the passkey button or the code field, or both).
 */
export async function meOf(deps: PortalDeps, user: SessionUser, csrfToken: string, stage: SessionStage) {
  const base = {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    csrfToken,
    stage,
  };
  if (stage === 'second-factor') {
    const o = await deps.repos.secondFactors.overview(user.id);
    return { ...base, secondFactors: { passkey: o.passkeys.length > 0, totp: o.totp } };
  }
  if (stage === 'enroll') return base;
  return {
    ...base,
    ...(await deps.repos.accounts.profileOf(user)),
    // Shown beside the upload field, which refuses a larger file before sending any of it.
    ...(user.role === 'doctor' ? { limits: { maxUploadBytes: deps.config.maxUploadMb * 1024 * 1024 } } : {}),
  };
}

export const meOfSession = (deps: PortalDeps, auth: LoadedSession) =>
  meOf(deps, auth.user, auth.csrfToken, auth.stage);
