// A Docker engine as on a fresh machine at home, whose Docker Hub pulls go to a registry
// mirror: the daemon inside a sandbox container (werkbank/sandbox, no network at all, so
// nothing can come from the internet), with CNCF Distribution (the toolchain's
// `registry`) on its 127.0.0.1:5000 holding the node image under the name kindest/node,
// and `registry-mirrors` pointing there. The engine itself has no node image: what
// docker/kind-node/pull.sh gets, it gets through the mirror. The registry's storage is
// pushed once per node image and mounted read-only (mirror-storage.ts); the shared host
// engine keeps no tag of it and its clusters are not touched. Used by pull.kind.test.ts
// and bench/node-image-pull.ts.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { lastLines, processRunner, type CommandResult } from '../../runner/clusters/commands.ts';
import { waitForInnerDocker } from '../../runner/clusters/sandbox-seed.ts';
import { repoRoot } from '../../runner/config.ts';
import { runChecked } from '../../runner/process.ts';
import { toolchain, upstreamNodeImage } from '../toolchain/paths.ts';
import { mirrorStorage } from './mirror-storage.ts';

const REGISTRY = '127.0.0.1:5000';
const SOURCE = '/opt/werkbank-src';

export interface MirrorEngine {
  container: string;
  /** kindest/node:v<KIND_NODE_VERSION>, the tag pull.sh gives what it pulls and the runner
   * looks for. The mirror serves Werkbank's own build in place of kind's image (so under a
   * digest of its own, and with our Kubernetes patch inside): the test is about the pull. */
  image: string;
  /** The digest the mirror serves kindest/node under. */
  digest: string;
  /** Runs a command inside the engine's container. */
  exec(args: string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CommandResult>;
  /** The registry's access log so far. */
  registryLog(): Promise<string>;
  close(): Promise<void>;
}

const must = (args: string[], what: string, timeoutMs = 120_000) => runChecked('docker', args, { what, timeoutMs }).then((stdout) => stdout.trim());

export async function startMirrorEngine(log: (line: string) => void = () => {}): Promise<MirrorEngine> {
  const tools = toolchain();
  const kubernetes = tools.versions.kubernetes;
  const localBuild = `werkbank/kind-node:v${kubernetes}`;
  const image = upstreamNodeImage({ env: {} }).tag;
  const container = `werkbank-mirror-${randomBytes(3).toString('hex')}`;
  const exec: MirrorEngine['exec'] = (args, options = {}) =>
    processRunner.run('docker', ['exec', ...Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]), container, ...args], {
      timeoutMs: options.timeoutMs ?? 120_000,
    });
  const inside = async (args: string[], what: string, timeoutMs?: number) => {
    const result = await exec(args, timeoutMs ? { timeoutMs } : {});
    if (result.code !== 0) throw new Error(`${what}: ${lastLines(result.stderr || result.stdout, 8)}`);
    return result.stdout.trim();
  };
  const close = async () => {
    await processRunner.run('docker', ['rm', '-f', '-v', container], { timeoutMs: 180_000 });
  };

  const storage = await mirrorStorage(tools.registry, localBuild, 'kindest/node', `v${kubernetes}`, (line) => log(line));
  log(`${container}: Engine startet`);
  await must(
    [
      'run', '-d', '--name', container, '--privileged', '--cgroupns=private', '--network', 'none', '--label', 'werkbank.test=mirror-engine',
      '--mount', `type=bind,source=${storage.dir},target=/var/lib/registry,readonly`,
      `werkbank/sandbox:v${kubernetes}`,
    ],
    'Engine-Container startet nicht',
  );
  try {
    await waitForInnerDocker(processRunner, container);
    // The registry on the engine's own loopback, serving the storage it only reads.
    await must(['cp', tools.registry, `${container}:/usr/local/bin/registry`], 'registry kopieren');
    const config = [
      'version: 0.1',
      'log: {level: info}',
      'storage: {filesystem: {rootdirectory: /var/lib/registry}, maintenance: {uploadpurging: {enabled: false}, readonly: {enabled: true}}}',
      `http: {addr: "${REGISTRY}"}`,
    ].join('\n');
    await inside(['sh', '-c', 'mkdir -p /etc/distribution && printf "%s\\n" "$1" >/etc/distribution/config.yml', 'sh', config], 'Registry-Konfiguration');
    await inside(['sh', '-c', 'nohup registry serve /etc/distribution/config.yml >/var/log/registry.log 2>&1 &'], 'registry startet nicht');
    await inside(['sh', '-c', `for i in $(seq 1 120); do curl -fsS http://${REGISTRY}/v2/ >/dev/null && exit 0; sleep 0.25; done; cat /var/log/registry.log; exit 1`], 'registry antwortet nicht', 60_000);

    // The registry serves the node image under the kindest/node name (asked for by digest
    // only by the pull, so its log shows that pull); the engine has no image at all.
    const { digest } = storage;
    const left = await inside(['docker', 'images', '--quiet'], 'docker images');
    if (left) throw new Error(`Die Engine hat noch Images: ${left}`);

    // Docker Hub names (kindest/node is one) go to the mirror first; a reload is enough.
    await inside(
      ['sh', '-c', `jq '. + {"registry-mirrors": ["http://${REGISTRY}"], "insecure-registries": ["${REGISTRY}"]}' /etc/docker/daemon.json >/tmp/daemon.json && mv /tmp/daemon.json /etc/docker/daemon.json && pkill -HUP -x dockerd`],
      'Spiegel einstellen',
    );
    await inside(
      ['sh', '-c', `for i in $(seq 1 120); do docker info --format '{{.RegistryConfig.Mirrors}}' | grep -qF 'http://${REGISTRY}/' && exit 0; sleep 0.25; done; exit 1`],
      'Die Engine übernimmt den Spiegel nicht',
      60_000,
    );

    // The pull step as ./werkbank runs it, with the files it reads.
    await inside(['mkdir', '-p', `${SOURCE}/docker/kind-node`, `${SOURCE}/docker/images`], 'Quellordner');
    for (const file of ['docker/kind-node/pull.sh', 'docker/images/lib.sh', 'docker/versions.env']) {
      await must(['cp', join(repoRoot, file), `${container}:${SOURCE}/${file}`], `${file} kopieren`);
    }
    return {
      container,
      image,
      digest,
      exec,
      registryLog: async () => (await exec(['cat', '/var/log/registry.log'])).stdout,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** docker/kind-node/pull.sh inside the engine, online (no WERKBANK_OFFLINE), with a digest. */
export function runPullStep(engine: MirrorEngine, digest: string): Promise<CommandResult> {
  return engine.exec(['bash', `${SOURCE}/docker/kind-node/pull.sh`], { env: { WERKBANK_KIND_NODE_DIGEST: digest, WERKBANK_OFFLINE: '' }, timeoutMs: 600_000 });
}
