// A lesson page sends the terminal's size with its ticket, and the runner starts that
// learner's shell right then (TerminalSessions.prepare), so it is ready by the time the
// page's socket says hello. That shell must go to its own learner only, reach them with
// the bytes a shell started by the hello would have sent, and end when nobody comes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { isAlive } from '../testing/pid-alive.ts';
import { learnerIdOf, newLearner, TerminalClient, ticketFor } from '../testing/terminal-client.ts';
import { waitUntil } from '../wait.ts';
import { TerminalSessions } from './sessions.ts';

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner({ terminalGraceMs: 60_000 });
});
afterAll(() => runner.stop());

/** The shell the runner started for this learner's ticket, once it runs. */
function preparedShell(learnerId: string) {
  return waitUntil('vorab gestartete Shell', () => runner.sessions.get(learnerId) ?? false, { timeoutMs: 10_000 });
}

describe('a shell started with the ticket', () => {
  it('runs before the socket and is the one the socket gets, with its first output as it came', async () => {
    const learner = await newLearner(runner.url);
    const ticket = await ticketFor(runner.url, learner, { cols: 90, rows: 20 });
    const prepared = await preparedShell(learnerIdOf(learner));

    const client = await TerminalClient.open(runner.url, { origin: runner.url, cookie: learner.cookie, ticket, cols: 90, rows: 20 });
    await client.waitForPrompt();
    // Not the mirror's serialized screen: the shell's own bytes, as for a shell the hello starts.
    expect(client.controls[0]).toEqual({ type: 'ready', restored: false });
    expect(client.text).toMatch(/^~ \$ ?$/);
    expect(await client.run('echo "pid=$$ spalten=$(tput cols)"')).toContain(`pid=${prepared.pid} spalten=90`);
    await client.close();
  });

  it('never goes to another learner', async () => {
    const owner = await newLearner(runner.url);
    const other = await newLearner(runner.url);
    await ticketFor(runner.url, owner, { cols: 80, rows: 24 });
    const prepared = await preparedShell(learnerIdOf(owner));

    const stranger = await TerminalClient.connect(runner.url, other);
    await stranger.waitForPrompt();
    const strangerShell = await stranger.run('echo "pid=$$ home=$HOME"');
    expect(strangerShell).not.toContain(`pid=${prepared.pid} `);
    expect(strangerShell).toContain(`home=${runner.sessions.homeOf(learnerIdOf(other))}`);
    expect(runner.sessions.get(learnerIdOf(owner))).toBe(prepared);

    const client = await TerminalClient.connect(runner.url, owner);
    await client.waitForPrompt();
    expect(await client.run('echo "pid=$$"')).toContain(`pid=${prepared.pid}`);
    await Promise.all([client.close(), stranger.close()]);
  });

  it('is not started for a ticket without a size', async () => {
    const learner = await newLearner(runner.url);
    await ticketFor(runner.url, learner);
    expect(runner.sessions.learnerIds()).not.toContain(learnerIdOf(learner));
  });
});

describe('a shell started for a ticket nobody uses', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'werkbank-prepared-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('ends when no hello comes in time, while one that got its hello stays', async () => {
    const sessions = new TerminalSessions({ dataDir, graceMs: 60_000, preparedShellWaitMs: 300 });
    sessions.prepare('vergessen', 80, 24);
    sessions.prepare('abgeholt', 80, 24);
    const claimed = await sessions.open('abgeholt', 80, 24);
    const forgotten = await waitUntil('vorab gestartete Shell', () => sessions.get('vergessen') ?? false, { timeoutMs: 10_000 });

    await forgotten.exitedProcess;
    expect(isAlive(forgotten.pid)).toBe(false);
    expect(sessions.learnerIds()).toEqual(['abgeholt']);
    expect(claimed.isDisposed).toBe(false);
    await sessions.disposeAll('shutdown');
  });

  it('ends also when the wait runs out while it is still starting', async () => {
    const slowStart = Promise.withResolvers<void>();
    const sessions = new TerminalSessions({ dataDir, graceMs: 60_000, preparedShellWaitMs: 0, beforeStart: () => slowStart.promise });
    sessions.prepare('langsam', 80, 24);
    // The wait (0 ms) runs out first, while the start still waits for the home.
    await new Promise((resolve) => setTimeout(resolve, 50));
    slowStart.resolve();
    await waitUntil('keine Shell mehr', () => sessions.learnerIds().length === 0, { timeoutMs: 10_000 });
  });
});
