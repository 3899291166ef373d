// The runner's kubeconfig for a sandbox's cluster comes from inside the sandbox, where the
// learner is root: it must never carry anything that runs a program on the runner's host
// (an exec credential plugin or an auth provider), and once read it is not read again.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import type { CommandRunner } from './commands.ts';
import { SandboxProvider } from './sandbox-provider.ts';

const NAME = 'werkbank-pool-abc123';
let dataDir: string;
let innerKubeconfig: string;
const reads: string[] = [];

const learnerMadeKubeconfig = (user: string) => `apiVersion: v1
kind: Config
clusters: [{name: kind-kind, cluster: {server: "https://localhost:6443", certificate-authority-data: Q0E=}}]
users: [{name: kind-kind, user: ${user}}]
contexts: [{name: kind-kind, context: {cluster: kind-kind, user: kind-kind}}]
current-context: kind-kind
`;

const fakeDocker: CommandRunner = {
  async run(_command, args) {
    const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
    if (args[0] === 'ps') return ok(`${NAME}\n`);
    if (args[0] === 'inspect' && args.includes('{{.State.Running}}')) return ok('true\n');
    if (args[0] === 'inspect') return ok('172.30.0.7\n');
    if (args[0] === 'exec' && args.includes('cat')) {
      reads.push(args.at(-1)!);
      return ok(innerKubeconfig);
    }
    return { code: 1, stdout: '', stderr: `unexpected: docker ${args.join(' ')}` };
  },
};

function provider(runner: CommandRunner = fakeDocker): SandboxProvider {
  return new SandboxProvider({
    stateDir: join(dataDir, 'clusters'),
    dataDir,
    sandboxImage: 'werkbank/sandbox:test',
    nodeImages: [],
    labImages: async () => [],
    addonManifests: async () => [],
    labsDir: '/nowhere',
    runner,
    log: () => {},
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-provider-'));
  await mkdir(join(dataDir, 'clusters'), { recursive: true });
  await writeFile(join(dataDir, 'clusters', 'owner'), 'runner1\n');
  reads.length = 0;
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

test('an exec plugin or auth provider written into the sandbox\'s kubeconfig never reaches the runner\'s copy', async () => {
  innerKubeconfig = learnerMadeKubeconfig(
    '{client-certificate-data: Q0VSVA==, client-key-data: S0VZ, exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: [-c, "touch /tmp/pwned"]}, auth-provider: {name: oidc, config: {cmd-path: /bin/sh}}}',
  );
  const handle = await provider().get(NAME);
  const written = await readFile(handle!.adminKubeconfigPath, 'utf8');
  expect(written).not.toMatch(/exec|auth-provider|\/bin\/sh|pwned/);
  expect(written).toContain('client-certificate-data: Q0VSVA==');
  expect(written).toContain('server: https://172.30.0.7:6443');
  expect(written).toContain('tls-server-name: localhost');
  expect(await provider().kubeconfig(NAME, 'lernende-a')).not.toMatch(/exec|\/bin\/sh/);
});

test('once the runner has its copy, a later adoption updates the address and does not read the sandbox\'s file again', async () => {
  innerKubeconfig = learnerMadeKubeconfig('{client-certificate-data: RVJTVA==, client-key-data: S0VZ}');
  const first = await provider().get(NAME);
  expect(reads).toHaveLength(1);
  innerKubeconfig = learnerMadeKubeconfig('{client-certificate-data: R0VGQUVMU0NIVA==, client-key-data: S0VZ}');
  await provider().get(NAME);
  expect(reads).toHaveLength(1);
  expect(existsSync(first!.adminKubeconfigPath)).toBe(true);
  expect(await readFile(first!.adminKubeconfigPath, 'utf8')).toContain('RVJTVA==');
});

// A stopped sandbox that is started again and kept once its cluster answers:
// sandbox-early-shell.kind.test.ts, with a real one.
describe('a ready sandbox asked for before a shell starts in it', () => {
  /** A Docker holding the one sandbox in the given state; notes what it was asked. */
  function dockerWith(state: 'running' | 'stopped' | 'gone', startWorks = true) {
    const calls: string[] = [];
    const runner: CommandRunner = {
      async run(_command, args) {
        calls.push(args.slice(0, 2).join(' '));
        const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
        if (args[0] === 'inspect' && args.includes('{{.State.Running}}')) {
          return state === 'gone' ? { code: 1, stdout: '', stderr: `Error: No such object: ${NAME}` } : ok(`${state === 'running'}\n`);
        }
        if (args[0] === 'start') {
          if (!startWorks) return { code: 1, stdout: '', stderr: 'Error response from daemon: cannot start' };
          state = 'running';
          return ok(`${NAME}\n`);
        }
        if (args[0] === 'exec' && args.includes('version')) return ok('20.10.24\n');
        return { code: 1, stdout: '', stderr: `unexpected: docker ${args.join(' ')}` };
      },
    };
    return { runner, calls };
  }

  it('is kept when it runs', async () => {
    const docker = dockerWith('running');
    expect(await provider(docker.runner).sandbox.lost!(NAME)).toBe(false);
    expect(docker.calls).not.toContain(`start ${NAME}`);
  });

  it('is lost when it is gone or will not start, so the learner gets a new one', async () => {
    expect(await provider(dockerWith('gone').runner).sandbox.lost!(NAME)).toBe(true);
    expect(await provider(dockerWith('stopped', false).runner).sandbox.lost!(NAME)).toBe(true);
  });
});
