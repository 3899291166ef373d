// The registry storage the mirror engine (mirror-engine.ts) serves kindest/node from:
// the locally built node image pushed once into a CNCF Distribution storage directory
// under the cache, kept per image ID, so later runs mount it instead of loading 1.3 GB
// into the engine and pushing it again (that took 1.5–3.5 min per run on 2 cores).
// The push goes from the host engine, which has the image already, to a registry that
// runs for the push alone on the host's loopback; the host keeps no new tag.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastLines, processRunner } from '../../runner/clusters/commands.ts';
import { runChecked } from '../../runner/process.ts';
import { freePort } from '../../runner/testing/free-port.ts';
import { cacheDir } from '../toolchain/paths.ts';

export interface MirrorStorage {
  /** Distribution's storage root holding `repository` (name) as pushed. */
  dir: string;
  /** The manifest digest the storage serves the image under. */
  digest: string;
}

const must = (args: string[], what: string, timeoutMs = 120_000) => runChecked('docker', args, { what, timeoutMs }).then((stdout) => stdout.trim());


async function waitForRegistry(url: string, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const gone = exited();
    if (gone !== undefined) throw new Error(`registry endete beim Start: ${gone}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`registry antwortet nicht unter ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Pushes `localImage` as `repository:tag` into a fresh storage directory `root`. */
async function pushInto(root: string, registryBinary: string, localImage: string, repository: string, tag: string): Promise<string> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = join(root, 'config.yml');
  await writeFile(config, `version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: ${join(root, 'registry')}}}\nhttp: {addr: "${address}"}\n`);
  const registry = spawn(registryBinary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exit: string | undefined;
  registry.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8192)));
  registry.once('exit', (code, signal) => (exit = `${code ?? signal}: ${lastLines(stderr, 8)}`));
  registry.once('error', (error) => (exit = error.message));
  const remote = `${address}/${repository}`;
  try {
    await waitForRegistry(`http://${address}/v2/`, () => exit);
    await must(['tag', localImage, `${remote}:${tag}`], 'docker tag');
    try {
      // Docker treats 127.0.0.0/8 as an insecure registry: plain HTTP is allowed there.
      await must(['push', '--quiet', `${remote}:${tag}`], 'docker push', 1_200_000);
      const digests = await must(['image', 'inspect', '--format', '{{range .RepoDigests}}{{println .}}{{end}}', `${remote}:${tag}`], 'Digest');
      const digest = digests.split('\n').find((line) => line.startsWith(`${remote}@`))?.slice(remote.length + 1) ?? '';
      if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`kein Digest nach dem Push: ${digests}`);
      await processRunner.run('docker', ['rmi', `${remote}@${digest}`], { timeoutMs: 60_000 });
      return digest;
    } finally {
      await processRunner.run('docker', ['rmi', `${remote}:${tag}`], { timeoutMs: 60_000 });
    }
  } finally {
    registry.kill('SIGTERM');
  }
}

/** The storage for `localImage` as `repository:tag`, pushed now unless the cache has it. */
export async function mirrorStorage(
  registryBinary: string,
  localImage: string,
  repository: string,
  tag: string,
  log: (line: string) => void = () => {},
): Promise<MirrorStorage> {
  const imageId = await must(['image', 'inspect', '--format', '{{.Id}}', localImage], `${localImage} fehlt`);
  const parent = join(cacheDir(), 'node-image-mirror');
  const key = `${imageId.replace(/^sha256:/, '').slice(0, 24)}-${repository.replaceAll('/', '_')}-${tag}`;
  const dir = join(parent, key);
  const read = async (): Promise<MirrorStorage | undefined> => {
    const digest = (await readFile(join(dir, 'digest'), 'utf8').catch(() => '')).trim();
    return /^sha256:[0-9a-f]{64}$/.test(digest) ? { dir: join(dir, 'registry'), digest } : undefined;
  };
  const cached = await read();
  if (cached) {
    log(`${localImage}: Registry-Inhalt aus dem Cache (${cached.digest})`);
    return cached;
  }
  await mkdir(parent, { recursive: true });
  // Pushed beside the cache and renamed into place: a reader never sees half a storage.
  const building = await mkdtemp(join(parent, '.push-'));
  try {
    log(`${localImage}: wird einmal als ${repository}:${tag} in den Registry-Cache geschoben`);
    const digest = await pushInto(building, registryBinary, localImage, repository, tag);
    await writeFile(join(building, 'digest'), `${digest}\n`);
    try {
      await rename(building, dir);
    } catch {
      // Another run put the same image there first; its storage serves the same digest.
    }
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  // Storages of node images that have since been rebuilt are of no use any more.
  for (const entry of await readdir(parent)) {
    if (entry !== key && !entry.startsWith('.')) await rm(join(parent, entry), { recursive: true, force: true });
  }
  const stored = await read();
  if (!stored) throw new Error(`Registry-Cache ${dir} ist unvollständig`);
  return stored;
}
