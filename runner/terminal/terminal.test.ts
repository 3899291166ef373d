import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, FLOW_CONTROL } from './protocol.ts';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { newLearner, TerminalClient, ticketFor } from '../testing/terminal-client.ts';

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner({ terminalGraceMs: 60_000 });
});
afterAll(() => runner.stop());

describe('the learner shell', () => {
  it('is a bash login shell in the learner home with UTF-8, umlauts both ways', async () => {
    const learner = await newLearner(runner.url);
    const client = await TerminalClient.connect(runner.url, learner);
    await client.waitForPrompt();
    const out = await client.run('echo "Grüße, $LANG"; pwd; shopt -q login_shell && echo login');
    expect(out).toContain('Grüße, C.UTF-8');
    expect(out).toContain(`${runner.dataDir}/learners/`);
    expect(out).toContain('login');
    await client.close();
  });

  it('finds each lab\'s files in ~/<lab>/ of the home', async () => {
    const learner = await newLearner(runner.url);
    const client = await TerminalClient.connect(runner.url, learner);
    await client.waitForPrompt();
    const out = await client.run('cd ~/speicher && ls && head -n 2 daten-pvc.yaml');
    expect(out).toContain('notizen.yaml');
    expect(out).toContain('kind: PersistentVolumeClaim');
    await client.close();
  });

  it('keeps running across a dropped socket and restores the screen', async () => {
    const learner = await newLearner(runner.url);
    const first = await TerminalClient.connect(runner.url, learner);
    await first.waitForPrompt();
    await first.run('export X=1; echo vorher-sichtbar');
    first.socket.terminate(); // a network blip: no close handshake
    await first.closed;

    const second = await TerminalClient.connect(runner.url, learner);
    await second.waitFor('vorher-sichtbar');
    expect(second.controls[0]).toEqual({ type: 'ready', restored: true });
    expect(await second.run('echo "X=$X"')).toContain('X=1');
    await second.close();
  });

  it('hands the shell to the newest tab and tells the old one', async () => {
    const learner = await newLearner(runner.url);
    const first = await TerminalClient.connect(runner.url, learner);
    await first.waitForPrompt();
    const second = await TerminalClient.connect(runner.url, learner);
    expect(await first.closed).toBe(CLOSE_CODES.takenOver);
    await second.waitForPrompt();
    await second.close();
  });

  it('keeps exactly one of two tabs that connect at the same moment', async () => {
    const learner = await newLearner(runner.url);
    const [first, second] = await Promise.all([
      TerminalClient.connect(runner.url, learner),
      TerminalClient.connect(runner.url, learner),
    ]);
    const loser = await Promise.race([first.closed.then(() => first), second.closed.then(() => second)]);
    const winner = loser === first ? second : first;
    expect(loser.closeCode).toBe(CLOSE_CODES.takenOver);
    expect(await winner.run('echo gewonnen')).toContain('gewonnen');
    expect(winner.closeCode).toBeNull();
    await winner.close();
  });

  it('clamps absurd sizes instead of crashing', async () => {
    const learner = await newLearner(runner.url);
    const client = await TerminalClient.connect(runner.url, learner, { cols: 100_000, rows: -5 });
    await client.waitForPrompt();
    expect(await client.run('stty size')).toContain('1 500');
    client.send({ type: 'resize', cols: 120, rows: 40 });
    expect(await client.run('stty size')).toContain('40 120');
    await client.close();
  });

  it('starts a new shell after `exit`', async () => {
    const learner = await newLearner(runner.url);
    const client = await TerminalClient.connect(runner.url, learner);
    await client.waitForPrompt();
    await client.run('echo $$ > shell.pid');
    client.type('exit\n');
    expect(await client.closed).toBe(CLOSE_CODES.shellExited);
    expect(client.controls).toContainEqual({ type: 'exit', code: 0 });

    const again = await TerminalClient.connect(runner.url, learner);
    expect(again.controls).toEqual([]);
    await again.waitForPrompt();
    const out = await again.run('[ "$(cat shell.pid)" != "$$" ] && echo neue-shell');
    expect(out).toContain('neue-shell');
    await again.close();
  });
});

describe('who may open a terminal', () => {
  const liveShells = () => runner.sessions.size;

  it('refuses a socket without ticket, with a wrong or reused ticket, or another learner’s ticket', async () => {
    const alice = await newLearner(runner.url);
    const bob = await newLearner(runner.url);
    const before = liveShells();
    const origin = runner.url;

    await expect(TerminalClient.open(runner.url, { origin, cookie: alice.cookie })).rejects.toThrow('HTTP 401');
    await expect(TerminalClient.open(runner.url, { origin, cookie: alice.cookie, ticket: 'erfunden' })).rejects.toThrow(
      'HTTP 401',
    );
    const bobsTicket = await ticketFor(runner.url, bob);
    await expect(TerminalClient.open(runner.url, { origin, cookie: alice.cookie, ticket: bobsTicket })).rejects.toThrow(
      'HTTP 401',
    );
    // The failed attempt used Bob's ticket up as well.
    await expect(TerminalClient.open(runner.url, { origin, cookie: bob.cookie, ticket: bobsTicket })).rejects.toThrow(
      'HTTP 401',
    );
    const ticket = await ticketFor(runner.url, alice);
    await expect(TerminalClient.open(runner.url, { origin, ticket })).rejects.toThrow('HTTP 401');
    expect(liveShells()).toBe(before);
  });

  it('refuses foreign and missing origins before any shell starts', async () => {
    const learner = await newLearner(runner.url);
    const before = liveShells();
    for (const origin of ['http://evil.example', '']) {
      const ticket = await ticketFor(runner.url, learner);
      await expect(TerminalClient.open(runner.url, { origin, cookie: learner.cookie, ticket })).rejects.toThrow(
        'HTTP 403',
      );
    }
    const ticketFromForeignPage = await fetch(`${runner.url}/api/terminal/ticket`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', cookie: learner.cookie },
    });
    expect(ticketFromForeignPage.status).toBe(403);
    expect(liveShells()).toBe(before);
  });

  it('gives one learner no file descriptor of another learner’s pty', async () => {
    const first = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await first.waitForPrompt();
    const second = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await second.waitForPrompt();
    // `ls` runs in a child, so it lists the shell's descriptors, not its own.
    const listing = await second.run('ls -l /proc/$$/fd');
    const fds = [...listing.matchAll(/ (\d+) -> (\S+)/g)].map(([, fd = '', target = '']) => ({ fd, target }));
    expect(fds.some(({ target }) => target.startsWith('/dev/pts/'))).toBe(true);
    expect(fds.filter(({ target }) => target.includes('ptmx'))).toEqual([]);
    // Only stdin, stdout, stderr and bash's own copy of the terminal remain.
    expect(fds.map(({ fd }) => fd).sort()).toEqual(['0', '1', '2', '255']);
    await Promise.all([first.close(), second.close()]);
  });
});

describe('bad input', () => {
  it('ignores and counts malformed control frames and keeps the shell working', async () => {
    const client = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await client.waitForPrompt();
    const before = runner.terminalStats.malformedFrames;
    for (const junk of ['{', '[]', '{"type":"resize","cols":"x"}', '{"type":"unknown"}', 'null']) {
      client.socket.send(junk);
    }
    expect(await client.run('echo noch-da')).toContain('noch-da');
    expect(runner.terminalStats.malformedFrames - before).toBe(5);
    await client.close();
  });

  it('closes the socket on an oversized frame', async () => {
    const client = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await client.waitForPrompt();
    const before = runner.terminalStats.oversizedFrames;
    client.socket.send(Buffer.alloc(200 * 1024, 0x61), { binary: true });
    expect(await client.closed).toBe(1009);
    await expect.poll(() => runner.terminalStats.oversizedFrames).toBe(before + 1);
  });
});

describe('a shell that cannot start', () => {
  it('closes that socket with an error and keeps the runner serving', async () => {
    const broken = await startTestRunner();
    try {
      // Learner homes cannot be created under a regular file.
      await writeFile(join(broken.dataDir, 'learners'), 'kein Verzeichnis');
      const client = await TerminalClient.connect(broken.url, await newLearner(broken.url));
      expect(await client.closed).toBe(1011);
      const health = await fetch(`${broken.url}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      await broken.stop();
    }
  });
});

describe('flow control', () => {
  it('pauses a flooding shell while the browser does not acknowledge, and Ctrl-C returns the prompt', async () => {
    const client = await TerminalClient.connect(runner.url, await newLearner(runner.url), { acknowledge: false });
    await client.waitForPrompt();
    client.type('yes Werkbank\n');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const session = [...(runner.sessions as unknown as { live: Map<string, { isPaused: boolean }> }).live.values()];
    expect(session.some((s) => s.isPaused)).toBe(true);
    const receivedWhilePaused = client.receivedBytes;
    // Bounded by the high watermark plus what was in flight (one pty read).
    expect(receivedWhilePaused).toBeLessThan(FLOW_CONTROL.highWatermarkBytes + 128 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.receivedBytes).toBe(receivedWhilePaused);

    client.type('\x03');
    client.send({ type: 'ack', bytes: client.receivedBytes });
    const started = Date.now();
    // Acknowledge whatever still arrives until the prompt is back.
    while (!/\^C\s*\n?.*\$ $/.test(client.text.slice(-200))) {
      client.send({ type: 'ack', bytes: Math.max(1, client.receivedBytes) });
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (Date.now() - started > 5000) throw new Error('no prompt after Ctrl-C');
    }
    expect(Date.now() - started).toBeLessThan(2000);
    await client.close();
  });
});

describe('cleanup', () => {
  function childrenOf(pid: number): { pid: number; state: string; command: string }[] {
    const children: { pid: number; state: string; command: string }[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(afterName[1]) === pid) {
          children.push({ pid: Number(entry), state: afterName[0] ?? '?', command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
        }
      } catch {
        // the process ended while we looked
      }
    }
    return children;
  }

  it('leaves no shell and no zombie after 100 open/close cycles', { timeout: 120_000 }, async () => {
    const quick = await startTestRunner({ terminalGraceMs: 0 });
    try {
      const learner = await newLearner(quick.url);
      const earlier = new Set(childrenOf(process.pid).map((child) => child.pid));
      for (let cycle = 0; cycle < 100; cycle++) {
        const client = await TerminalClient.connect(quick.url, learner);
        await client.waitForPrompt();
        await client.close();
      }
      await expect.poll(() => quick.sessions.size, { timeout: 5000 }).toBe(0);
      await expect
        .poll(() => childrenOf(process.pid).filter((child) => !earlier.has(child.pid) || child.state === 'Z'), {
          timeout: 5000,
        })
        .toEqual([]);
    } finally {
      await quick.stop();
    }
  });

  it('ends the shell when the grace period after a dropped socket runs out', async () => {
    const brief = await startTestRunner({ terminalGraceMs: 300 });
    try {
      const client = await TerminalClient.connect(brief.url, await newLearner(brief.url));
      await client.waitForPrompt();
      const pid = Number((await client.run('echo $$')).trim());
      client.socket.terminate();
      await expect.poll(() => brief.sessions.size, { timeout: 3000 }).toBe(0);
      await expect.poll(() => childrenOf(process.pid).some((child) => child.pid === pid), { timeout: 3000 }).toBe(false);
    } finally {
      await brief.stop();
    }
  });
});
