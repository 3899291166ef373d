// A real kind cluster for tests, made from Werkbank's locally built node image
// (docker/kind-node/build.sh), driven through the kind binary of the toolchain.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, toolchain } from '../../docker/toolchain/paths.ts';
import { ProcessError, runChecked } from '../../runner/process.ts';


export interface KindTestCluster {
  name: string;
  kubeconfigPath: string;
  /** The node container, for `docker exec` (crictl, the container runtime's view). */
  nodeContainer: string;
  /** `kind load docker-image` into this cluster. */
  loadImages(images: string[]): Promise<void>;
  delete(): Promise<void>;
}

export async function nodeImage(): Promise<string> {
  const script = new URL('../../docker/kind-node/build.sh', import.meta.url).pathname;
  const stdout = await runChecked('bash', [script, '--print']);
  return stdout.trim();
}

function kind(args: string[], timeout = 300_000) {
  return runChecked(toolchain().kind, args, { timeoutMs: timeout, maxOutputChars: 16 << 20 });
}

export async function createKindCluster(prefix = 'werkbank-test'): Promise<KindTestCluster> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const dir = join(cacheDir(), 'kind-clusters');
  mkdirSync(dir, { recursive: true });
  const kubeconfigPath = join(dir, `${name}.kubeconfig`);
  try {
    await kind(['create', 'cluster', '--name', name, '--image', await nodeImage(), '--kubeconfig', kubeconfigPath, '--wait', '120s']);
  } catch (error) {
    await kind(['delete', 'cluster', '--name', name]).catch(() => {});
    const output = error instanceof ProcessError ? (error.result?.stderr ?? '') : '';
    throw new Error(`kind create cluster ${name} ist fehlgeschlagen:\n${output.split('\n').slice(-20).join('\n')}`, { cause: error });
  }
  return {
    name,
    kubeconfigPath,
    nodeContainer: `${name}-control-plane`,
    async loadImages(images) {
      await kind(['load', 'docker-image', '--name', name, ...images]);
    },
    async delete() {
      await kind(['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath]);
    },
  };
}
