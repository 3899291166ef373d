// What one client can make the runner hold: homes, shells, tickets, requests.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { newLearner, TerminalClient, ticketFor } from '../testing/terminal-client.ts';
import { TICKET_PATH } from './protocol.ts';

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner({ terminalGraceMs: 0, maxShells: 2 });
});
afterAll(() => runner.stop());

const learnerDirs = (dataDir: string) => {
  const learners = join(dataDir, 'learners');
  return existsSync(learners) ? readdirSync(learners) : [];
};

describe('limits', () => {
  it('makes no home for ticket requests, only for a shell that opens', async () => {
    const before = learnerDirs(runner.dataDir).length;
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${runner.url}${TICKET_PATH}`, { method: 'POST', headers: { origin: runner.url } })),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(learnerDirs(runner.dataDir).length).toBe(before);

    const client = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await client.waitForPrompt();
    // The labs' files are there at the first prompt, as before.
    expect(await client.run('ls ~/speicher')).toContain('notizen.yaml');
    expect(learnerDirs(runner.dataDir).length).toBe(before + 1);
    await client.close();
    await expect.poll(() => runner.sessions.size).toBe(0);
  });

  it('says the course is full beyond the shell cap, and lets the next one in once a shell ends', async () => {
    const firstLearner = await newLearner(runner.url);
    const first = await TerminalClient.connect(runner.url, firstLearner);
    const second = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await Promise.all([first.waitForPrompt(), second.waitForPrompt()]);

    const third = await newLearner(runner.url).catch((error: unknown) => error as Error);
    expect(third).toBeInstanceOf(Error);
    const refused = await fetch(`${runner.url}${TICKET_PATH}`, { method: 'POST', headers: { origin: runner.url } });
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as { ok: boolean; error: string };
    expect(body.error).toMatch(/^Der Kurs ist gerade voll: alle 2 Terminals sind belegt\./);
    // A learner who already has a shell still gets in (a reload, a second tab).
    expect(await ticketFor(runner.url, firstLearner)).toBeTruthy();
    expect(runner.sessions.size).toBe(2);

    await first.close();
    await expect.poll(() => runner.sessions.size).toBe(1);
    const latecomer = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await latecomer.waitForPrompt();
    await Promise.all([second.close(), latecomer.close()]);
    await expect.poll(() => runner.sessions.size).toBe(0);
  });

  it('closes a socket whose ticket came while there was room, once the last shell went to another', async () => {
    const first = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await first.waitForPrompt();
    const [x, y] = await Promise.all([newLearner(runner.url), newLearner(runner.url)]);
    const [xTicket, yTicket] = await Promise.all([ticketFor(runner.url, x), ticketFor(runner.url, y)]);
    const xClient = await TerminalClient.open(runner.url, { origin: runner.url, cookie: x.cookie, ticket: xTicket });
    await xClient.waitForPrompt();
    const yClient = await TerminalClient.open(runner.url, { origin: runner.url, cookie: y.cookie, ticket: yTicket });
    // 1013 "try again later": the page asks for a ticket again and shows the 503's message.
    expect(await Promise.race([yClient.closed, yClient.waitForPrompt().then(() => 'a shell beyond the cap')])).toBe(1013);
    expect(runner.sessions.size).toBe(2);
    await Promise.all([first.close(), xClient.close()]);
    await expect.poll(() => runner.sessions.size).toBe(0);
  });

  it('counts a ticket as used by an attempt from a foreign page', async () => {
    const learner = await newLearner(runner.url);
    const ticket = await ticketFor(runner.url, learner);
    await expect(
      TerminalClient.open(runner.url, { origin: 'http://evil.example', cookie: learner.cookie, ticket }),
    ).rejects.toThrow('HTTP 403');
    await expect(TerminalClient.open(runner.url, { origin: runner.url, cookie: learner.cookie, ticket })).rejects.toThrow(
      'HTTP 401',
    );
    expect(runner.sessions.size).toBe(0);
  });
});

describe('rate limit', () => {
  it('answers 429 in German once a client asked for too many tickets or clusters', async () => {
    const limited = await startTestRunner({ rateLimitPerMinute: 5 });
    try {
      const ask = (path: string) => fetch(`${limited.url}${path}`, { method: 'POST', headers: { origin: limited.url } });
      const statuses = [];
      for (let request = 0; request < 5; request++) statuses.push((await ask(TICKET_PATH)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const tooMany = await ask(TICKET_PATH);
      expect(tooMany.status).toBe(429);
      expect(Number(tooMany.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await tooMany.json()) as { error: string }).error).toMatch(/^Zu viele Anfragen in kurzer Zeit\. Bitte warte \d+ Sekunden/);
      expect((await ask('/api/cluster')).status).toBe(429);
      // Reading is not limited.
      expect((await fetch(`${limited.url}/api/health`)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
