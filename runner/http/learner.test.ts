// Learner identity against a real runner: only cookies the runner signed name a learner,
// and nothing a shell can see (its directory name) lets anyone act as that learner.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnerDir } from '../learner-dir.ts';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { newLearner, TerminalClient, type Learner } from '../testing/terminal-client.ts';
import { TICKET_PATH } from '../terminal/protocol.ts';
import { LEARNER_COOKIE } from './learner.ts';

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner({ terminalGraceMs: 60_000 });
});
afterAll(() => runner.stop());

interface Progress {
  labs: { lab: string; steps: { id: string; hintRevealed?: boolean }[] }[];
}

async function progressOf(cookie: string | null): Promise<string> {
  const response = await fetch(`${runner.url}/api/progress`, cookie ? { headers: { cookie } } : {});
  return response.text();
}

/** A learner with a shell that printed a secret and a hint revealed in their progress. */
async function learnerWithTraces(): Promise<{ learner: Learner; client: TerminalClient; dirName: string }> {
  const learner = await newLearner(runner.url);
  const progress = JSON.parse(await progressOf(learner.cookie)) as Progress;
  const lab = progress.labs[0]!;
  const reveal = await fetch(`${runner.url}/api/labs/${lab.lab}/steps/${lab.steps[0]!.id}/reveal`, {
    method: 'POST',
    headers: { origin: runner.url, cookie: learner.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ what: 'hint' }),
  });
  expect(reveal.status).toBe(200);
  const client = await TerminalClient.connect(runner.url, learner);
  await client.waitForPrompt();
  const dirName = (await client.run('echo geheim-von-A; basename "$(dirname "$HOME")"')).trim().split('\n').at(-1)!;
  return { learner, client, dirName };
}

/** What a cookie the runner did not sign gets: a new learner, with nothing of A's. */
async function expectStranger(cookie: string, victim: Learner): Promise<void> {
  const ticket = await fetch(`${runner.url}${TICKET_PATH}`, { method: 'POST', headers: { origin: runner.url, cookie } });
  expect(ticket.status).toBe(200);
  const fresh = ticket.headers.get('set-cookie')?.split(';')[0];
  expect(fresh).toBeDefined();
  expect(fresh).not.toBe(victim.cookie);
  expect(await progressOf(cookie)).toBe(await progressOf(null));
  // The made-up cookie itself opens nothing; with the cookie it was given it is a stranger.
  const { ticket: issued } = (await ticket.json()) as { ticket: string };
  await expect(TerminalClient.open(runner.url, { origin: runner.url, cookie, ticket: issued })).rejects.toThrow('HTTP 401');
  const stranger = await TerminalClient.connect(runner.url, { cookie: fresh! });
  await stranger.waitForPrompt();
  expect(stranger.controls[0]).toEqual({ type: 'ready', restored: false });
  expect(stranger.text).not.toContain('geheim-von-A');
  await stranger.close();
}

describe('learner identity', () => {
  it('gives a made-up, unsigned or tampered cookie a fresh learner without access to another’s progress or shell', async () => {
    const { learner, client } = await learnerWithTraces();
    const [, value = ''] = learner.cookie.split('=');
    const [id = '', signature = ''] = value.split('.');
    expect(await progressOf(learner.cookie)).not.toBe(await progressOf(null));

    await expectStranger(`${LEARNER_COOKIE}=AAAAAAAAAAAAAAAAAAAAAA`, learner);
    await expectStranger(`${LEARNER_COOKIE}=${id}`, learner);
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    await expectStranger(`${LEARNER_COOKIE}=${id}.${flipped}`, learner);
    const other = (await newLearner(runner.url)).cookie.split('=')[1]!.split('.')[1]!;
    await expectStranger(`${LEARNER_COOKIE}=${id}.${other}`, learner);

    // A is still A.
    const again = await TerminalClient.connect(runner.url, learner);
    await again.waitFor('geheim-von-A');
    expect(again.controls[0]).toEqual({ type: 'ready', restored: true });
    await client.closed;
    await again.close();
  });

  it('does not let a stolen directory name act as its learner', async () => {
    const { learner, client, dirName } = await learnerWithTraces();
    expect(dirName).toMatch(/^[0-9a-f]{32}$/);
    const id = learner.cookie.split('=')[1]!.split('.')[0]!;
    expect(dirName).not.toContain(id);
    await expectStranger(`${LEARNER_COOKIE}=${dirName}`, learner);
    await expectStranger(`${LEARNER_COOKIE}=${dirName.slice(0, 22)}`, learner);
    await expectStranger(`${LEARNER_COOKIE}=${dirName.slice(0, 22)}.${dirName}`, learner);
    await client.close();
  });

  it('keeps the secret readable by the runner only', async () => {
    const info = await stat(join(runner.dataDir, 'learner-secret'));
    expect(info.mode & 0o777).toBe(0o600);
  });

  it('sets HttpOnly, SameSite=Lax, Path=/ and Secure only over https a trusted proxy vouches for', async () => {
    const cookieOf = async (url: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${url}${TICKET_PATH}`, { method: 'POST', headers: { origin: url, ...headers } });
      return response.headers.get('set-cookie') ?? '';
    };
    const plain = await cookieOf(runner.url);
    expect(plain).toMatch(/; Path=\/;/);
    expect(plain).toContain('; HttpOnly');
    expect(plain).toContain('; SameSite=Lax');
    expect(plain).not.toContain('Secure');
    // Anyone can send the header: without WERKBANK_TRUST_PROXY it means nothing.
    expect(await cookieOf(runner.url, { 'x-forwarded-proto': 'https' })).not.toContain('Secure');

    const behindProxy = await startTestRunner({ trustProxy: true });
    try {
      expect(await cookieOf(behindProxy.url, { 'x-forwarded-proto': 'https' })).toMatch(/; Secure$|; Secure;/);
      expect(await cookieOf(behindProxy.url, { 'x-forwarded-proto': 'http' })).not.toContain('Secure');
    } finally {
      await behindProxy.stop();
    }
  });

  it('moves a home named by a raw id (before signing) to its derived name and keeps its learner', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-legacy-'));
    const legacyId = 'Alt0Lernender_Home-123';
    await mkdir(join(dataDir, 'learners', legacyId, 'home'), { recursive: true });
    await writeFile(join(dataDir, 'learners', legacyId, 'home', 'notiz.txt'), 'nichts verloren\n');
    const upgraded = await startTestRunner({ dataDir });
    try {
      expect(basename(learnerDir(dataDir, legacyId))).toMatch(/^[0-9a-f]{32}$/);
      await expect(stat(join(dataDir, 'learners', legacyId))).rejects.toThrow();
      const ticket = await fetch(`${upgraded.url}${TICKET_PATH}`, {
        method: 'POST',
        headers: { origin: upgraded.url, cookie: `${LEARNER_COOKIE}=${legacyId}` },
      });
      const signed = ticket.headers.get('set-cookie')?.split(';')[0] ?? '';
      expect(signed).toMatch(new RegExp(`^${LEARNER_COOKIE}=${legacyId}\\.`));
      const client = await TerminalClient.connect(upgraded.url, { cookie: signed });
      await client.waitForPrompt();
      expect(await client.run('cat ~/notiz.txt')).toContain('nichts verloren');
      await client.close();
    } finally {
      await upgraded.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
