// The images every sandbox's own Docker daemon starts with: the kind node image (lab
// images baked in) and the lab images a learner builds on (`FROM werkbank/demo-app:1`).
// Loading them into each new sandbox took 23 s for 1.3 GB; instead they are loaded
// once into a seed volume (a Docker data root), and each sandbox gets a copy of it,
// which is plain file copying. A seed is labelled with the hash of everything in it, so
// a rebuilt image makes a new seed and the old one is removed.
import { createHash, randomBytes } from 'node:crypto';
import { waitUntil } from '../wait.ts';
import { dockerOutput, lastLines, shellQuote, type CommandResult, type CommandRunner } from './commands.ts';

const SEED_LABEL = 'werkbank.sandbox-seed';
const COMPLETE_MARK = '.werkbank-seed-complete';

async function imageId(run: CommandRunner, image: string): Promise<string | null> {
  const result = await run.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 30_000 });
  return result.code === 0 ? result.stdout.trim() : null;
}

/** Waits until the Docker daemon inside a sandbox container answers. */
export async function waitForInnerDocker(run: CommandRunner, container: string, timeoutMs = 60_000): Promise<void> {
  let last: CommandResult | undefined;
  await waitUntil(
    'Docker in der Sandbox bereit',
    async () => {
      last = await run.run('docker', ['exec', container, 'docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
      return last.code === 0;
    },
    {
      timeoutMs,
      retryErrors: false,
      timeoutError: async () => {
        const logs = await run.run('docker', ['exec', container, 'tail', '-n', '15', '/var/log/dockerd.log'], { timeoutMs: 15_000 });
        return new Error(`Docker in der Sandbox ist nach ${timeoutMs / 1000} s nicht bereit:\n${lastLines(logs.stdout || (last?.stderr ?? ''), 15)}`);
      },
    },
  );
}

export interface SeedOptions {
  run: CommandRunner;
  sandboxImage: string;
  /** Images every sandbox's daemon has; those missing on this machine are left out. */
  images: string[];
  log: (message: string) => void;
}

async function isComplete(run: CommandRunner, sandboxImage: string, volume: string): Promise<boolean> {
  const result = await run.run(
    'docker',
    ['run', '--rm', '--network', 'none', '-v', `${volume}:/seed:ro`, '--entrypoint', 'test', sandboxImage, '-f', `/seed/${COMPLETE_MARK}`],
    { timeoutMs: 60_000 },
  );
  return result.code === 0;
}

async function seedVolumes(run: CommandRunner, filter: string): Promise<string[]> {
  const listed = await run.run('docker', ['volume', 'ls', '-q', '--filter', `label=${filter}`], { timeoutMs: 30_000 });
  return listed.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Copies images from the host's Docker into a sandbox's own daemon (`docker save |
 * docker load`, through a shell, so the gigabytes never pass through Node). */
export async function loadImagesInto(run: CommandRunner, container: string, images: string[], where: string): Promise<void> {
  if (images.length === 0) return;
  const quoted = images.map(shellQuote).join(' ');
  const result = await run.run('bash', ['-c', `set -o pipefail; docker save ${quoted} | docker exec -i ${container} docker load -q`], { timeoutMs: 1_800_000 });
  if (result.code !== 0) throw new Error(`Images ließen sich nicht in ${where} laden: ${lastLines(result.stderr, 6)}`);
}

/** The images of these this machine has (a missing lab image is left out). */
export async function presentImages(run: CommandRunner, images: string[]): Promise<string[]> {
  const present: string[] = [];
  for (const image of images) if (await imageId(run, image)) present.push(image);
  return present;
}

/** The seed volume for these images, loaded now if none is complete yet. Each build
 * gets a volume of its own, so two runners seeding at once never share a half-made one. */
export async function ensureSeed({ run, sandboxImage, images, log }: SeedOptions): Promise<string> {
  const present: { image: string; id: string }[] = [];
  for (const image of images) {
    const id = await imageId(run, image);
    if (id) present.push({ image, id });
  }
  const sandboxId = await imageId(run, sandboxImage);
  if (!sandboxId) throw new Error(`Sandbox-Image ${sandboxImage} fehlt`);
  const hash = createHash('sha256')
    .update([sandboxId, ...present.map(({ image, id }) => `${image}=${id}`)].join('\n'))
    .digest('hex')
    .slice(0, 12);
  for (const volume of await seedVolumes(run, `${SEED_LABEL}=${hash}`)) {
    if (await isComplete(run, sandboxImage, volume)) return volume;
  }

  const volume = `werkbank-seed-${hash}-${randomBytes(3).toString('hex')}`;
  log(`Sandbox-Grundlage wird geladen (einmal je Image-Stand): ${present.map(({ image }) => image).join(', ')}`);
  const started = Date.now();
  await dockerOutput(run, ['volume', 'create', '--label', `${SEED_LABEL}=${hash}`, volume], 'Seed-Volume');
  const builder = await dockerOutput(
    run,
    ['run', '-d', '--privileged', '--cgroupns=private', '--network', 'none', '-v', `${volume}:/var/lib/docker`, sandboxImage],
    'Seed-Container startet nicht',
    120_000,
  );
  let loaded = false;
  try {
    await waitForInnerDocker(run, builder);
    await loadImagesInto(run, builder, present.map(({ image }) => image), 'die Sandbox-Grundlage');
    await dockerOutput(run, ['exec', builder, 'touch', `/var/lib/docker/${COMPLETE_MARK}`], 'Seed-Markierung');
    loaded = true;
  } finally {
    // A stop lets dockerd write its state; the volume stays (unless the load failed).
    await run.run('docker', ['stop', '-t', '30', builder], { timeoutMs: 60_000 });
    await run.run('docker', ['rm', '-f', builder], { timeoutMs: 60_000 });
    if (!loaded) await run.run('docker', ['volume', 'rm', '-f', volume], { timeoutMs: 60_000 });
  }
  log(`Sandbox-Grundlage ${volume} fertig nach ${Math.round((Date.now() - started) / 1000)} s`);
  await removeOldSeeds(run, hash);
  return volume;
}

/** Seeds of older images; Docker keeps one still in use (a copy or a build running). */
async function removeOldSeeds(run: CommandRunner, hash: string): Promise<void> {
  for (const volume of await seedVolumes(run, SEED_LABEL)) {
    if (!volume.startsWith(`werkbank-seed-${hash}-`)) await run.run('docker', ['volume', 'rm', volume], { timeoutMs: 60_000 });
  }
}

/** A new volume holding a copy of the seed: the sandbox's Docker data root. */
export async function copySeed(run: CommandRunner, sandboxImage: string, seed: string, volume: string, labels: string[]): Promise<void> {
  await dockerOutput(run, ['volume', 'create', ...labels.flatMap((label) => ['--label', label]), volume], 'Volume der Sandbox');
  await dockerOutput(
    run,
    ['run', '--rm', '--network', 'none', '-v', `${seed}:/from:ro`, '-v', `${volume}:/to`, '--entrypoint', 'cp', sandboxImage, '-a', '/from/.', '/to/'],
    'Kopie der Sandbox-Grundlage',
  );
}
