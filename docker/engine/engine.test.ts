// The Docker engine that ./werkbank prepares (docker/engine/ensure.sh) must run
// privileged containers, as kind's nodes are: here that needs the runc wrapper.
import { afterEach, expect, it } from 'vitest';
import { runChecked } from '../../runner/process.ts';

const docker = (...args: string[]) => runChecked('docker', args, { timeoutMs: 60_000 }).then((stdout) => stdout.trim());
const PROBE_IMAGE = 'werkbank/probe:1';
let container: string | undefined;

afterEach(async () => {
  if (container) await docker('rm', '-f', container).catch(() => {});
  container = undefined;
});

it('runs a privileged container and lets docker exec into it with full capabilities', async () => {
  container = await docker('run', '-d', '--privileged', PROBE_IMAGE, '/bin/sh', '-c', 'sleep 60');
  const effective = await docker('exec', '--privileged', container, '/bin/sh', '-c', 'grep CapEff /proc/self/status');
  const capabilities = BigInt(`0x${effective.split(/\s+/)[1]}`);
  expect(capabilities & (1n << 21n)).toBe(1n << 21n); // CAP_SYS_ADMIN, which kind's nodes need
  expect(await docker('exec', container, '/bin/sh', '-c', 'mkdir -p /probe && mount -t tmpfs none /probe && echo gemountet')).toBe('gemountet');
});
