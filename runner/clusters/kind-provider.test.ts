// The kind provider's error paths that cannot be produced on purpose on a shared
// machine (Docker down, kind missing, kubeadm failing), with a fake command runner,
// and its German progress steps from kind's real status lines.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { CommandOptions, CommandResult, CommandRunner } from './commands.ts';
import { ClusterError } from './errors.ts';
import { KindProvider } from './kind-provider.ts';
import type { ProgressStep } from './provider.ts';

type Script = (command: string, args: string[], options: CommandOptions) => CommandResult | Promise<CommandResult>;

function fakeRunner(script: Script): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(command, args, options = {}) {
      calls.push([command, ...args]);
      return script(command, args, options);
    },
  };
}

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'werkbank-kind-provider-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function provider(runner: CommandRunner, kindBinary = process.execPath): KindProvider {
  return new KindProvider({
    stateDir,
    kindBinary, // any existing file passes the "kind present" check
    nodeImages: ['werkbank/kind-node:v1.34.12'],
    labImages: async () => ['werkbank/nginx:1'],
    addonManifests: async () => [],
    runner,
    log: () => {},
  });
}

async function createError(kind: KindProvider, steps: ProgressStep[] = []): Promise<ClusterError> {
  const error = await kind.create('werkbank-test0001', (step) => steps.push(step)).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ClusterError);
  return error as ClusterError;
}

test('Docker not running (fake runner): a German message that says how to start it', async () => {
  const runner = fakeRunner((command) =>
    command === 'docker'
      ? { code: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }
      : ok(),
  );
  const error = await createError(provider(runner));
  expect(error.code).toBe('docker-down');
  expect(error.message).toContain('Docker läuft nicht');
  expect(error.output).toContain('Is the docker daemon running?');
  expect(runner.calls.some(([command]) => command !== 'docker')).toBe(false);
});

test('kind missing (fake runner): points to ./werkbank toolchain', async () => {
  const error = await createError(provider(fakeRunner(() => ok()), join(stateDir, 'no-such-kind')));
  expect(error.code).toBe('kind-missing');
  expect(error.message).toContain('./werkbank toolchain');
});

test('kubeadm failing (fake runner): the failed step, the last lines of kind\'s output, and the half-made cluster deleted', async () => {
  const runner = fakeRunner((command, args, options) => {
    if (command === 'docker') return ok('sha256:abc');
    if (args[0] === 'create') {
      for (const line of [
        'Creating cluster "werkbank-test0001" ...',
        ' • Ensuring node image (werkbank/kind-node:v1.34.12) 🖼  ...',
        ' ✓ Ensuring node image (werkbank/kind-node:v1.34.12) 🖼',
        ' • Preparing nodes 📦   ...',
        ' ✓ Preparing nodes 📦',
        ' • Writing configuration 📜  ...',
        ' ✓ Writing configuration 📜',
        ' • Starting control-plane 🕹️  ...',
        ' ✗ Starting control-plane 🕹️',
      ]) options.onStderrLine?.(line);
      return { code: 1, stdout: '', stderr: 'Creating cluster ...\nERROR: failed to create cluster: failed to init node with kubeadm: exit status 1' };
    }
    return ok();
  });
  const steps: ProgressStep[] = [];
  const error = await createError(provider(runner), steps);
  expect(error.code).toBe('create-failed');
  expect(error.retryable).toBe(true);
  expect(error.output).toContain('failed to init node with kubeadm');
  const finalSteps = new Map(steps.map((step) => [step.id, step]));
  expect([...finalSteps.values()].map((step) => `${step.label}: ${step.state}`)).toEqual([
    'Docker und kind werden geprüft: done',
    'Node-Image mit Lab-Images wird vorbereitet: done',
    'Node-Image wird bereitgestellt: done',
    'Knoten-Container wird gestartet: done',
    'Konfiguration wird geschrieben: done',
    'Control Plane startet (kubeadm): failed',
  ]);
  expect(runner.calls.some((call) => call[1] === 'delete' && call.includes('werkbank-test0001'))).toBe(true);
});

test('no node image and none pullable (fake runner): says how to build it', async () => {
  const runner = fakeRunner((command, args) => {
    if (command === 'docker' && args[0] === 'info') return ok('28.0');
    if (command === 'docker') return { code: 1, stdout: '', stderr: 'No such image' };
    return ok();
  });
  const error = await createError(provider(runner));
  expect(error.code).toBe('node-image-missing');
  expect(error.message).toContain('docker/kind-node/build.sh');
});

test('only clusters carrying this runner\'s owner mount count as ours (fake runner)', async () => {
  const ownerFile = join(stateDir, 'owner');
  await writeFile(ownerFile, 'x\n');
  const container = (cluster: string, source: string) =>
    JSON.stringify({ labels: { 'io.x-k8s.kind.cluster': cluster }, mounts: [{ Source: source, Destination: '/etc/werkbank/owner' }] });
  const runner = fakeRunner((_command, args) =>
    args[0] === 'ps'
      ? ok('a\nb\nc\n')
      : ok([container('werkbank-ours', ownerFile), container('werkbank-test-1a2b3c', '/elsewhere/owner'), container('kind', ownerFile)].join('\n')),
  );
  expect(await provider(runner).listOurs()).toEqual(['werkbank-ours']);
});

test('low disk (fake runner: Docker\'s data root on a full filesystem): says how to free space', async () => {
  // /proc always reports zero free blocks.
  const runner = fakeRunner((command, args) => (command === 'docker' && args[0] === 'info' ? ok('/proc\n') : ok()));
  const error = await createError(provider(runner));
  expect(error.code).toBe('low-disk');
  expect(error.message).toContain('Zu wenig freier Speicherplatz');
  expect(runner.calls.some(([command]) => command !== 'docker')).toBe(false);
});
