// While `./werkbank start` still makes the node and lab images, a learner's sandbox starts
// without them: the shell comes first (an empty Docker in the sandbox, no seed), and the
// images are loaded into the sandbox's own Docker once the preparation has made them,
// before kind creates the cluster from them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { CommandRunner } from './commands.ts';
import { SandboxProvider } from './sandbox-provider.ts';

const NAME = 'werkbank-early1';
const NODE_IMAGE = 'werkbank/kind-node:v-test';
let dataDir: string;
/** Every command the provider ran, as one line each, in order. */
const commands: string[] = [];
let imagesMade = false;

const fakeDocker: CommandRunner = {
  async run(command, args) {
    const line = `${command} ${args.join(' ')}`;
    commands.push(line);
    const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
    const missing = { code: 1, stdout: '', stderr: 'No such image' };
    if (args[0] === 'info') return ok('');
    if (args[0] === 'network' && args[1] === 'inspect') return ok('false\n');
    if (args[0] === 'image' && args[1] === 'inspect') {
      const image = args.at(-1)!;
      if (image === 'werkbank/sandbox:test') return ok('sha256:sandbox\n');
      return imagesMade && image === NODE_IMAGE ? ok('sha256:node\n') : missing;
    }
    if (args[0] === 'images') return ok(imagesMade ? `${NODE_IMAGE}=sha256:node\n` : '');
    if (args[0] === 'pull') return { code: 1, stdout: '', stderr: 'no registry' };
    // kind fails here on purpose: the test is about what happened before it.
    if (args.includes('kind') && args.includes('create')) return { code: 1, stdout: '', stderr: 'kind: stopped by the test' };
    return ok('');
  },
};

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-early-'));
  await mkdir(join(dataDir, 'clusters'), { recursive: true });
  await writeFile(join(dataDir, 'clusters', 'owner'), 'runner1\n');
  commands.length = 0;
  imagesMade = false;
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

test('the shell starts before the node image exists; the image is loaded into the sandbox before kind runs', async () => {
  const provider = new SandboxProvider({
    stateDir: join(dataDir, 'clusters'),
    dataDir,
    sandboxImage: 'werkbank/sandbox:test',
    nodeImages: [NODE_IMAGE],
    labImages: async () => [],
    addonManifests: async () => [],
    labsDir: '/nowhere',
    runner: fakeDocker,
    log: () => {},
  });
  let imagesReady!: () => void;
  const clusterPiecesPending = new Promise<void>((resolve) => (imagesReady = resolve));
  let shellReady!: () => void;
  const shell = new Promise<void>((resolve) => (shellReady = resolve));
  const created = provider.create(NAME, () => {}, { onShellReady: shellReady, clusterPiecesPending });
  created.catch(() => {});

  await shell;
  const started = commands.findIndex((line) => line.startsWith('docker run -d --name werkbank-early1'));
  expect(started).toBeGreaterThan(-1);
  // An empty Docker of its own: no seed copied in, no image loaded, no node image asked for.
  expect(commands.some((line) => line.includes('/from:ro'))).toBe(false);
  expect(commands.some((line) => line.includes('docker load'))).toBe(false);
  expect(commands.some((line) => line.includes(NODE_IMAGE))).toBe(false);
  // The sandbox's own volume, and nothing of the host in the sandbox.
  expect(commands[started]).toContain('-v werkbank-early1-docker:/var/lib/docker');
  expect(commands[started]).not.toContain('docker.sock');

  imagesMade = true;
  imagesReady();
  await expect(created).rejects.toMatchObject({ output: expect.stringContaining('kind: stopped by the test') });
  const load = commands.findIndex((line) => line.includes(`docker save '${NODE_IMAGE}' | docker exec -i ${NAME} docker load`));
  const kind = commands.findIndex((line) => line.includes('kind create cluster'));
  expect(load).toBeGreaterThan(started);
  expect(kind).toBeGreaterThan(load);
  expect(commands[kind]).toContain(`--image ${NODE_IMAGE}`);
  // A failed creation after the sandbox started leaves no sandbox behind.
  expect(commands.slice(kind)).toContain(`docker rm -f -v ${NAME}`);
});
