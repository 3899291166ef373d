// The base of the kind node image boots systemd as PID 1 in a privileged container,
// the way kind runs its nodes, and reaches "running" with no failed unit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args, { timeout: 60_000 }).then(({ stdout }) => stdout.trim());
let container: string | undefined;

afterEach(async () => {
  if (container) await docker('rm', '-f', container).catch(() => {});
  container = undefined;
});

it('boots systemd to "running" without failed units', async () => {
  container = await docker(
    'run', '-d', '--privileged',
    '--tmpfs', '/run', '--tmpfs', '/run/lock',
    '--volume', '/sys/fs/cgroup:/sys/fs/cgroup:rw',
    'werkbank/debian-base:bookworm',
  );
  const id = container;
  await expect
    .poll(() => docker('exec', id, 'systemctl', 'is-system-running').catch((error: { stdout?: string }) => error.stdout?.trim()), {
      timeout: 30_000,
      interval: 500,
    })
    .toBe('running');
  expect(await docker('exec', id, 'systemctl', '--failed', '--no-legend')).toBe('');
  expect(await docker('exec', id, 'cat', '/proc/1/comm')).toBe('systemd');
});
