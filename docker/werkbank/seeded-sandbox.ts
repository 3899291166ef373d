// The sandbox image of the chart's mode "sandbox": werkbank/sandbox with the node image,
// the lab images (a `docker save` of them, the node image first in images.txt) and the
// add-on manifests baked in, so each learner's sandbox pod loads them into its own
// Docker from its own image (runner/clusters/sandbox-pod-provider.ts): the runner's pod
// has no Docker to send them from, and a school pulls this image from its registry like
// any other. Built once per content (the image ids and manifests in it), by tag.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { addonManifests, labImages } from '../images/images.ts';
import { toolchain } from '../toolchain/paths.ts';
import { runChecked, runProcess } from '../../runner/process.ts';

export const SEEDED_SANDBOX_REPOSITORY = 'werkbank/sandbox-seeded';

async function imageId(image: string): Promise<string | null> {
  const result = await runProcess('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 30_000 });
  return result.code === 0 ? result.stdout.trim() : null;
}

export interface SeededSandboxOptions {
  /** Default: the local node image, then every lab image (docker/images/build.sh --print). */
  images?: string[];
  log?: (line: string) => void;
}

/** The chart's default sandbox image (its appVersion is the package version). */
async function versionTag(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `${SEEDED_SANDBOX_REPOSITORY}:${pkg.version}`;
}

/** Builds (or finds) the seeded sandbox image, also tagged with the package version;
 * resolves to its content-hash name. */
export async function buildSeededSandbox(options: SeededSandboxOptions = {}): Promise<string> {
  const log = options.log ?? ((line: string) => console.error(line));
  const kubernetes = toolchain().versions.kubernetes;
  const base = `werkbank/sandbox:v${kubernetes}`;
  const wanted = options.images ?? [`werkbank/kind-node:v${kubernetes}`, ...(await labImages())];
  const present: string[] = [];
  const ids: string[] = [];
  for (const image of [base, ...wanted]) {
    const id = await imageId(image);
    if (!id) {
      if (image === base || image === wanted[0]) throw new Error(`${image} fehlt; baue es zuerst (docker/sandbox/build.sh, docker/kind-node/build.sh).`);
      log(`[sandbox-seeded] ${image} fehlt und bleibt draußen`);
      continue;
    }
    ids.push(`${image}@${id}`);
    if (image !== base) present.push(image);
  }
  const manifests = await addonManifests();
  const hash = createHash('sha256').update(ids.join('\n'));
  for (const manifest of manifests) hash.update(await readFile(manifest));
  const tag = `${SEEDED_SANDBOX_REPOSITORY}:${hash.digest('hex').slice(0, 16)}`;
  if (await imageId(tag)) {
    log(`[sandbox-seeded] ${tag} ist schon gebaut`);
    await runChecked('docker', ['tag', tag, await versionTag()]);
    return tag;
  }
  const dir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-seeded-'));
  try {
    log(`[sandbox-seeded] docker save ${present.length} Images …`);
    await runChecked('docker', ['save', '--output', join(dir, 'images.tar'), ...present], { timeoutMs: 1_800_000 });
    await writeFile(join(dir, 'images.txt'), `${present.join('\n')}\n`);
    await mkdir(join(dir, 'addons'));
    for (const manifest of manifests) await copyFile(manifest, join(dir, 'addons', basename(manifest)));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${base}\nCOPY images.tar images.txt /opt/werkbank/seed/\nCOPY addons/ /opt/werkbank/seed/addons/\n`);
    log(`[sandbox-seeded] docker build ${tag} …`);
    await runChecked('docker', ['build', '--quiet', '--tag', tag, dir], { timeoutMs: 1_800_000 });
    await runChecked('docker', ['tag', tag, await versionTag()]);
    log(`[sandbox-seeded] ${tag} gebaut`);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
