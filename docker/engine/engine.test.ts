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

// Inside a privileged container its own mount namespace stands in for the host: a hierarchy
// taken away there comes back, and the others are left as they were.
it('mounts a cgroup v1 hierarchy that went missing, and only that one', async () => {
  const v1 = (await docker('run', '--rm', PROBE_IMAGE, '/bin/sh', '-c', 'stat -fc %T /sys/fs/cgroup')) === 'tmpfs';
  if (!v1) return expect(v1).toBe(false); // cgroup v2 has one hierarchy; nothing can go missing
  // The kind node image has bash, mount and awk; ./werkbank test builds it before the tests.
  const nodeImage = (await runChecked('bash', [`${import.meta.dirname}/../kind-node/build.sh`, '--print'])).trim();
  container = await docker('run', '-d', '--privileged', '--entrypoint', 'sleep', '-v', `${import.meta.dirname}/cgroup-mounts.sh:/cgroup-mounts.sh:ro`, nodeImage, '300');
  const hugetlb = () => docker('exec', container!, 'sh', '-c', "grep -c ' /sys/fs/cgroup/hugetlb ' /proc/self/mountinfo || true");
  const mountCount = () => docker('exec', container!, 'sh', '-c', "grep -c ' - cgroup ' /proc/self/mountinfo");
  const before = await mountCount();
  await docker('exec', container, 'umount', '/sys/fs/cgroup/hugetlb');
  expect(await hugetlb()).toBe('0');

  await docker('exec', container, 'bash', '/cgroup-mounts.sh');

  expect(await hugetlb()).toBe('1');
  expect(await mountCount()).toBe(before);
  await docker('exec', container, 'bash', '/cgroup-mounts.sh'); // nothing missing: nothing mounted twice
  expect(await mountCount()).toBe(before);
});
