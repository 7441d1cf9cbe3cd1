import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); MEDPROOF_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.MEDPROOF_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium as the machines allow it: no sandbox (root), no GPU, no background network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Each context gets its own fresh profile; no browser download, no background network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Gives the page's browser a platform authenticator (Chromium's virtual one, through the DevTools
 * Protocol's WebAuthn domain) that verifies its user and answers at once: a doctor or admin creates and
 * uses their passkey there. Returns the session and the authenticator's id, to inspect or remove it.
 */
export async function addPlatformAuthenticator(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}
