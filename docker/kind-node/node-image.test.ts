// The kind node image boots the way kind runs it (privileged, systemd as PID 1) and
// brings up containerd with every component image kubeadm asks for already inside,
// so `kind create cluster` never needs a registry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProcessError, runChecked } from '../../runner/process.ts';
import { toolchain } from '../toolchain/paths.ts';

const docker = (...args: string[]) => runChecked('docker', args, { timeoutMs: 60_000 }).then((stdout) => stdout.trim());
const nodeImage = await runChecked('bash', [new URL('build.sh', import.meta.url).pathname, '--print']).then((stdout) => stdout.trim());
let container = '';

beforeAll(async () => {
  container = await docker(
    // kind runs its nodes in a cgroup namespace of their own; without one, kind's entrypoint
    // takes the "cgroupns not enabled" path, which unmounts cgroup hierarchies it cannot scope.
    'run', '-d', '--privileged', '--cgroupns=private',
    '--tmpfs', '/run', '--tmpfs', '/tmp', '--volume', '/var',
    '--volume', '/lib/modules:/lib/modules:ro',
    nodeImage,
  );
});

afterAll(async () => {
  if (container) await docker('rm', '-f', '-v', container).catch(() => {});
});

it('boots systemd to "running" with containerd active and no failed unit', async () => {
  await expect
    .poll(() => docker('exec', container, 'systemctl', 'is-system-running').catch((error: ProcessError) => error.result?.stdout.trim()), {
      timeout: 40_000,
      interval: 500,
    })
    // kubelet waits for kubeadm (ConditionPathExists), so "running", not "degraded".
    .toBe('running');
  expect(await docker('exec', container, 'systemctl', '--failed', '--no-legend')).toBe('');
  expect(await docker('exec', container, 'systemctl', 'is-active', 'containerd')).toBe('active');
  expect(await docker('exec', container, 'cat', '/kind/version')).toMatch(/^v1\.34\.\d+$/);
});

it('holds every image kubeadm lists, under exactly that name', async () => {
  const stdout = await runChecked(toolchain().kubeadm, ['config', 'images', 'list', '--kubernetes-version', await docker('exec', container, 'cat', '/kind/version')]);
  const required = stdout.trim().split('\n');
  const listed = await docker('exec', container, 'crictl', 'images', '--output', 'json');
  const tags = (JSON.parse(listed) as { images: { repoTags: string[] }[] }).images.flatMap((image) => image.repoTags);
  expect(tags).toEqual(expect.arrayContaining(required));
  expect(tags).toEqual(expect.arrayContaining(['docker.io/werkbank/kindnet-lite:1', expect.stringMatching(/local-path-provisioner/)]));
});
