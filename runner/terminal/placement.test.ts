// A shell the runner places somewhere else (a learner's sandbox) starts there and only
// there: the session runs the placement's command, never a bash on the runner's host,
// and hangs the placed shell up when it ends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { TerminalSessions } from './sessions.ts';
import type { TerminalPeer } from './session.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-placement-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

test('the session runs the placed command, not a host shell, and hangs it up at the end', async () => {
  const hungUp: string[] = [];
  const sessions = new TerminalSessions({
    dataDir,
    graceMs: 0,
    placeShell: async (learnerId, session) => ({
      // Stands in for `docker exec -it <sandbox> werkbank-shell`.
      command: ['/bin/sh', '-c', 'echo "platziert in der Sandbox $0"; exec cat', learnerId],
      hangUp: async () => {
        hungUp.push(session);
      },
    }),
  });
  let output = '';
  const peer: TerminalPeer = {
    sendOutput: (bytes) => {
      output += Buffer.from(bytes).toString('utf8');
    },
    sendControl: () => {},
    close: () => {},
  };
  const session = await sessions.open('lernende-a', 80, 24);
  await session.attach(peer, 80, 24);
  for (let i = 0; i < 200 && !output.includes('platziert'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(output).toContain('platziert in der Sandbox lernende-a');
  session.input('kein-bash-prompt\n');
  for (let i = 0; i < 200 && !output.includes('kein-bash-prompt\r\nkein-bash-prompt'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(output).not.toMatch(/\$ $/m);
  session.detach(peer);
  await session.exitedProcess;
  expect(hungUp).toHaveLength(1);
});
