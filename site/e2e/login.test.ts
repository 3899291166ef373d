// Sign-in with OpenID Connect, end to end: a real provider on 127.0.0.1, a runner that
// requires sign-in, and Chromium going through the provider's login and consent pages.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../runner/config.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../../runner/testing/oidc-provider.ts';
import { startTestRunner, type TestRunner } from '../../runner/testing/runner-fixture.ts';
import { launchChromium, poll, waitForPrompt } from './browser.ts';

let idp: TestOidcProvider;
let runner: TestRunner;
let browser: Browser;

beforeAll(async () => {
  idp = await startTestOidcProvider({
    ben: { name: 'Ben Lernt', email: 'ben@schule.example', groups: ['klasse-9b'] },
    anna: { name: 'Anna Lehrt', email: 'anna@schule.example', groups: ['lehrende'] },
  });
  runner = await startTestRunner(
    {
      siteDir: process.env.WERKBANK_SITE_DIR ?? join(repoRoot, 'site', 'dist'),
      terminalGraceMs: 0,
      instructorToken: 'login-test-token',
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        scopes: 'openid profile email',
        instructorClaim: 'groups',
        instructorValue: 'lehrende',
        sessionHours: 1,
      },
    },
    { withTools: true },
  );
  idp.attach(runner.url);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await runner?.stop();
  await idp?.close();
});

/** Signs in on the provider's own pages (its login form takes any password), then consents. */
async function signInAtProvider(page: Page, account: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(idp.issuer));
  await page.locator('input[name="login"]').fill(account);
  await page.locator('input[name="password"]').fill('beliebig');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('sign-in with OpenID Connect', () => {
  it('signs a learner in, records their step under their name for the instructor, and signs them out', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const lesson = `${runner.url}/lektionen/speicher/`;

    // The lesson's terminal needs a signed-in learner: the page sends Ben to the provider …
    await page.goto(lesson);
    await signInAtProvider(page, 'ben');
    // … and the provider back to the lesson he came from, signed in, with his terminal.
    await page.waitForURL(lesson);
    await poll(() => page.locator('.wb-login-who:visible').textContent()).toBe('Angemeldet als Ben Lernt');
    await waitForPrompt(page, 30_000);

    // A step: Ben opens the first hint; the runner records it for him.
    const revealed = page.waitForResponse((response) => response.url().endsWith('/reveal') && response.ok());
    await page.locator('.wb-step[data-step="pvc"] details.wb-hint summary').click();
    await revealed;

    // Signing out ends the session here and at the provider; the page offers "Anmelden" again.
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${runner.url}/`);
    await poll(() => page.getByRole('link', { name: 'Anmelden' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => fetch('/api/progress').then((response) => response.status))).toBe(401);
    // The lesson asks for the login again (the provider's session ended too: its login form).
    await page.goto(lesson);
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await poll(() => page.locator('input[name="login"]').isVisible()).toBe(true);

    // Anna is an instructor by her group: the class view shows Ben by name, no token asked.
    await signInAtProvider(page, 'anna');
    await page.waitForURL(lesson);
    await page.goto(`${runner.url}/lehrende/`);
    const row = page.locator('section[data-lab="speicher"] tbody tr', { hasText: 'Ben Lernt' });
    await poll(() => row.count()).toBe(1);
    expect(await row.locator('td[data-step="pvc"]').textContent()).toBe('– · Hinweis');
    expect(await page.getByLabel('Token für Lehrende').isVisible()).toBe(false);
    await context.close();
  });

  it('does not show the class to a signed-in learner without the instructor role', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${runner.url}/api/auth/login?returnTo=/lehrende/`);
    await signInAtProvider(page, 'ben');
    await page.waitForURL(`${runner.url}/lehrende/`);
    const status = await page.evaluate(() => fetch('/api/lehrende/progress').then((response) => response.status));
    expect(status).toBe(403);
    await context.close();
  });
});
