// A node image with the lab images already in its containerd, made once per set of
// inputs: every learner cluster then starts with them, instead of copying ~750 MB into
// each new node with `kind load docker-image` (45 s per cluster on two cores). The
// layers are shared read-only by all node containers, so it costs disk once.
// Same technique as docker/kind-node/build.sh uses for the component images.
import { createHash } from 'node:crypto';
import { dockerOutput, lastLines, shellQuote, type CommandRunner } from './commands.ts';

export const BAKED_LABEL = 'werkbank.lab-images';

export interface LabNodeImage {
  image: string;
  /** The lab images inside it. */
  baked: string[];
}

interface Docker {
  run: CommandRunner;
}

/** Every local image's id by name ("werkbank/nginx:1"), in one call. */
async function localImages(docker: Docker): Promise<Map<string, string>> {
  const result = await docker.run.run('docker', ['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}}={{.ID}}'], { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`docker images: ${lastLines(result.stderr, 4)}`);
  const ids = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const separator = line.lastIndexOf('=');
    if (separator > 0) ids.set(line.slice(0, separator), line.slice(separator + 1).trim());
  }
  return ids;
}

async function label(docker: Docker, image: string, name: string): Promise<string | null> {
  const result = await docker.run.run('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${name}"}}`, image], {
    timeoutMs: 30_000,
  });
  return result.code === 0 ? result.stdout.trim() : null;
}

/** `<base repository>-labs:<tag>-<inputs>` with the present lab images baked in; rebuilt only when the base or an
 * image changed. Returns null when none of the images exist here. */
export async function labNodeImage(run: CommandRunner, base: string, images: string[], log: (message: string) => void): Promise<LabNodeImage | null> {
  const docker: Docker = { run };
  const ids = await localImages(docker);
  const baseId = ids.get(base);
  if (!baseId) throw new Error(`Node-Image ${base} fehlt`);
  const present = images.flatMap((image) => {
    const id = ids.get(image);
    return id ? [{ image, id }] : [];
  });
  if (present.length === 0) return null;
  const inputs = createHash('sha256')
    .update([baseId, ...present.map(({ image, id }) => `${image}=${id}`)].join('\n'))
    .digest('hex')
    .slice(0, 16);
  // The inputs in the tag let differing sets (the runner's, a test's) live side by side.
  const [repository, tag = 'latest'] = splitTag(base);
  const target = `${repository}-labs:${tag}-${inputs.slice(0, 8)}`;
  const baked = present.map(({ image }) => image);
  if ((await label(docker, target, 'werkbank.inputs')) === inputs) return { image: target, baked };

  log(`Node-Image mit Lab-Images wird gebaut: ${target} (${baked.join(', ')})`);
  const builder = await dockerOutput(run, ['run', '-d', '--privileged', '--entrypoint', 'sleep', base, 'infinity'], 'Build-Container startet nicht', 120_000);
  try {
    // The builder's PID 1 (sleep) reaps nobody, so a bash stays containerd's parent.
    await dockerOutput(run, [
      'exec', builder, 'bash', '-c',
      'nohup bash -c "containerd >/var/log/containerd-labs.log 2>&1; true" & for _ in $(seq 100); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done; cat /var/log/containerd-labs.log; exit 1',
    ], 'containerd im Build-Container startet nicht');
    // Not unpacked (unpacking on overlayfs inside a container fails; the CRI unpacks on
    // first use) and pinned, so the kubelet's image GC never removes them.
    await pipeSaveIntoImport(run, builder, baked);
    await dockerOutput(run, ['exec', builder, 'bash', '-c', 'pkill containerd; while pgrep -x containerd >/dev/null; do sleep 0.1; done; rm -f /var/log/containerd-labs.log'], 'containerd hält nicht an');
    await dockerOutput(run, [
      'commit',
      '--change', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
      '--change', 'CMD []',
      '--change', `LABEL werkbank.inputs=${inputs}`,
      '--change', `LABEL ${BAKED_LABEL}=${baked.join(',')}`,
      builder, target,
    ], 'docker commit fehlgeschlagen');
  } finally {
    await run.run('docker', ['rm', '-f', builder], { timeoutMs: 60_000 }).catch(() => {});
  }
  return { image: target, baked };
}

/** `docker save … | docker exec -i builder ctr import -`, through a shell so the bytes
 * never pass through Node. */
async function pipeSaveIntoImport(run: CommandRunner, builder: string, images: string[]): Promise<void> {
  const quoted = images.map(shellQuote).join(' ');
  const script = `set -o pipefail; docker save ${quoted} | docker exec -i ${builder} ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests -`;
  const result = await run.run('bash', ['-c', script], { timeoutMs: 900_000 });
  if (result.code !== 0) throw new Error(`Import der Lab-Images fehlgeschlagen: ${lastLines(result.stderr, 6)}`);
}

function splitTag(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}
