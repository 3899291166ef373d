// The provider of the chart's sandbox mode on the shared kwok cluster, with the programs
// it runs in the pod (kubectl exec …) answered by a fake: its sandbox pod is the
// privileged pod of sandbox-pod.ts; what the one-host provider does with `docker exec`
// reaches the pod by `kubectl exec`; a sandbox image without its images ends the start
// with a German message and leaves no pod behind. (The real nesting, a cluster inside
// and the compose lab: docker/werkbank/helm-sandbox.kind.test.ts.)
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { CommandResult, CommandRunner } from './commands.ts';
import type { ClusterError } from './errors.ts';
import type { SandboxPodProvider } from './sandbox-pod-provider.ts';
import { parseSessionPodSettings } from './session-pod.ts';
import { kwokSandboxPodProvider } from '../testing/kwok-sandbox-pod-provider.ts';

const suffix = randomBytes(3).toString('hex');
const sessions = `wb-sandboxes-${suffix}`;
let dataDir: string;
let admin: KubeConfig;
let core: CoreV1Api;

/** Answers the commands the provider runs; records each as one line. */
function fakeRunner(answer: (line: string) => Partial<CommandResult> | Promise<Partial<CommandResult>>): { runner: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    runner: {
      async run(command, args) {
        const line = [command, ...args].join(' ');
        calls.push(line);
        return { code: 0, stdout: '', stderr: '', ...(await answer(line)) };
      },
    },
  };
}

function provider(runner: CommandRunner): SandboxPodProvider {
  return kwokSandboxPodProvider({ dataDir, admin, sessionsNamespace: sessions, sessionSettings: parseSessionPodSettings('{}'), runner });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-pods-'));
  admin = new KubeConfig();
  admin.loadFromFile(inject('kwokKubeconfig'));
  core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: sessions } } });
});

afterAll(async () => {
  await core.deleteNamespace({ name: sessions }).catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
});

test('a sandbox image without its images ends the start with a German message, after the privileged pod ran, and leaves no pod', async () => {
  let shellReady = false;
  let seenPod: unknown;
  // The seed's answer waits until the test has read the running pod (its end deletes it).
  const { runner, calls } = fakeRunner(async (line) => {
    if (!line.includes('images.txt')) return {};
    await Promise.allSettled([seenPod]);
    return { code: 1, stderr: 'cat: /opt/werkbank/seed/images.txt: No such file or directory' };
  });
  const sandboxes = provider(runner);
  const steps: string[] = [];
  const created = sandboxes.create('werkbank-0a1b2c3d', (step) => steps.push(`${step.id}:${step.state}`), {
    onShellReady: () => {
      shellReady = true;
      seenPod = core.readNamespacedPod({ name: 'werkbank-0a1b2c3d', namespace: sessions });
    },
  });
  const failure = await created.then(() => null, (error: unknown) => error as ClusterError);
  expect(failure?.output).toMatch(/Das Sandbox-Image hat keine Image-Liste \(kein Seed\)/);
  expect(shellReady).toBe(true);
  const pod = await (seenPod as ReturnType<CoreV1Api['readNamespacedPod']>);
  expect(pod.spec?.containers[0]?.securityContext?.privileged).toBe(true);
  expect(pod.spec?.containers[0]?.image).toBe('werkbank/sandbox-seeded:test');
  // Asked inside the pod, through kubectl exec with the runner's kubeconfig.
  expect(calls[0]).toBe(`/usr/local/bin/kubectl --kubeconfig /data/runner.kubeconfig exec --quiet --namespace ${sessions} werkbank-0a1b2c3d --container sandbox -- cat /opt/werkbank/seed/images.txt`);
  expect(steps).toContain('load-images:failed');
  await expect.poll(() => sandboxes.listOurs(), { timeout: 60_000 }).toEqual([]);
}, 120_000);

test("lab images, the node's images and the shell's hang-up go through kubectl exec into the learner's pod", async () => {
  const { runner, calls } = fakeRunner((line) => (line.includes('image inspect') && line.endsWith('werkbank/fehlt:1') ? { code: 1 } : {}));
  const sandboxes = provider(runner);
  const prefix = `/usr/local/bin/kubectl --kubeconfig /data/runner.kubeconfig exec --quiet --namespace ${sessions} werkbank-0a1b2c3d --container sandbox --`;

  expect(await sandboxes.loadImages('werkbank-0a1b2c3d', ['werkbank/demo-app:1', 'werkbank/fehlt:1'])).toEqual({ loaded: ['werkbank/demo-app:1'], missing: ['werkbank/fehlt:1'] });
  expect(calls.at(-1)).toBe(`${prefix} kind load docker-image --name kind werkbank/demo-app:1`);

  await sandboxes.execInNode('werkbank-0a1b2c3d', ['crictl', 'images', '-o', 'json']);
  expect(calls.at(-1)).toBe(`${prefix} docker exec kind-control-plane crictl images -o json`);
  expect(sandboxes.nodeExec('werkbank-0a1b2c3d')?.join(' ')).toBe(`${prefix} docker exec kind-control-plane`);

  await sandboxes.sandbox.hangUpShell('werkbank-0a1b2c3d', 'abc123');
  expect(calls.at(-1)).toMatch(new RegExp(`^${prefix.replaceAll('/', '\\/')} sh -c .*pkill -HUP .* sh abc123$`));
});
