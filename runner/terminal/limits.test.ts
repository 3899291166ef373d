// What one client can make the runner hold: homes, shells, tickets, requests.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterManager } from '../clusters/manager.ts';
import { FakeProvider } from '../clusters/testing/fake-provider.ts';
import { loadConfig } from '../config.ts';
import { startRunner } from '../server.ts';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { newLearner, TerminalClient, ticketFor } from '../testing/terminal-client.ts';
import { CourseQueue, courseFullMessage } from './limits.ts';
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

    const refused = await fetch(`${runner.url}${TICKET_PATH}`, { method: 'POST', headers: { origin: runner.url } });
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as { ok: boolean; error: string; position: number };
    expect(body.error).toMatch(/^Der Kurs ist gerade voll: alle 2 Terminals sind belegt\. Du bist auf Platz 1 der Warteliste\./);
    expect(body.position).toBe(1);
    const third = { cookie: refused.headers.get('set-cookie')!.split(';')[0]! };
    // A learner who already has a shell still gets in (a reload, a second tab).
    expect(await ticketFor(runner.url, firstLearner)).toBeTruthy();
    expect(runner.sessions.size).toBe(2);

    await first.close();
    await expect.poll(() => runner.sessions.size).toBe(1);
    // The first in line gets the free seat.
    const latecomer = await TerminalClient.connect(runner.url, third);
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

describe('course queue', () => {
  function queue(maxSeats: number, holders: Set<string>) {
    let now = 0;
    const course = new CourseQueue({ maxSeats, holders: () => holders, dropAfterMs: 45_000, reserveMs: 30_000, now: () => now });
    return { course, later: (ms: number) => (now += ms) };
  }

  it('gives places first come, first served, and asking again never moves anyone ahead', () => {
    const holders = new Set(['a', 'b']);
    const { course, later } = queue(2, holders);
    expect(course.admit('a')).toEqual({ ok: true });
    const c = course.admit('c');
    expect(c).toEqual({ ok: false, position: 1, message: courseFullMessage(2, 1) });
    expect(c.ok ? '' : c.message).toBe(
      'Der Kurs ist gerade voll: alle 2 Terminals sind belegt. Du bist auf Platz 1 der Warteliste. Lass diese Seite offen, sie fragt alle 15 Sekunden nach.',
    );
    later(1000);
    expect(course.admit('d')).toMatchObject({ ok: false, position: 2 });
    for (let ask = 0; ask < 20; ask++) {
      later(100);
      expect(course.admit('d')).toMatchObject({ ok: false, position: 2 });
    }
    // A seat frees up: d (asking all the time) still waits behind c, who gets it on asking.
    holders.delete('a');
    expect(course.admit('d')).toMatchObject({ ok: false, position: 2 });
    expect(course.admit('c')).toEqual({ ok: true });
    // c's seat is kept for c until their shell is there, so d stays outside, now first.
    expect(course.admit('d')).toMatchObject({ ok: false, position: 1 });
    expect(course.queue).toEqual(['d']);
  });

  it('lets a learner who stopped asking drop out, and those behind move up', () => {
    const { course, later } = queue(1, new Set(['a']));
    expect(course.admit('b')).toMatchObject({ position: 1 });
    expect(course.admit('c')).toMatchObject({ position: 2 });
    for (let minute = 0; minute < 4; minute++) {
      later(15_000);
      expect(course.admit('c')).toMatchObject({ position: minute < 3 ? 2 : 1 });
    }
    expect(course.queue).toEqual(['c']);
    // Coming back later means the end of the line.
    expect(course.admit('b')).toMatchObject({ position: 2 });
  });

  it('counts sandboxes and clusters as seats, and tells a refused learner their place', async () => {
    const clusters = new ClusterManager({
      provider: new FakeProvider(),
      dataDir: await mkdtemp(join(tmpdir(), 'werkbank-queue-clusters-')),
      poolSize: 0,
      maxClusters: 5,
      idleTtlMs: 3600_000,
      memoryPerClusterMiB: 600,
      maxParallelCreates: 2,
      freeMemoryMiB: () => 16_000,
      log: () => {},
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-queue-'));
    const running = await startRunner(
      { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null, terminalGraceMs: 0, maxShells: 2, rateLimitPerMinute: 100_000 },
      { clusters, labs: [] },
    );
    const ask = async (path: string, cookie?: string) => {
      const response = await fetch(`${running.url}${path}`, { method: 'POST', headers: { origin: running.url, ...(cookie ? { cookie } : {}) } });
      const body = (await response.json()) as { error?: string; position?: number };
      return { status: response.status, ...body, cookie: cookie ?? response.headers.get('set-cookie')!.split(';')[0]! };
    };
    try {
      // One learner holds a seat with a cluster alone (no terminal), one with a terminal.
      const withCluster = await ask('/api/cluster');
      expect(withCluster.status).toBe(202);
      const withShell = await TerminalClient.connect(running.url, await newLearner(running.url));
      await withShell.waitForPrompt();

      const third = await ask(TICKET_PATH);
      expect(third).toMatchObject({ status: 503, position: 1 });
      expect(third.error).toMatch(/^Der Kurs ist gerade voll: alle 2 Terminals sind belegt\. Du bist auf Platz 1 der Warteliste\./);
      const fourth = await ask('/api/cluster');
      expect(fourth).toMatchObject({ status: 503, position: 2 });
      expect((await ask(TICKET_PATH, fourth.cookie)).position).toBe(2);

      // The terminal's learner leaves: the first in line gets the seat, not the one asking more.
      await withShell.close();
      await expect.poll(() => running.sessions.size).toBe(0);
      expect((await ask(TICKET_PATH, fourth.cookie)).status).toBe(503);
      expect((await ask(TICKET_PATH, third.cookie)).status).toBe(200);
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
