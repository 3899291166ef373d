// The ready-made node image first: on an engine whose Docker Hub pulls go to a registry
// mirror on 127.0.0.1 (CNCF Distribution, serving the node image as kindest/node), the
// node image step pulls kindest/node by its digest, and kind makes the cluster from that
// pull, tagged kindest/node:v<KIND_NODE_VERSION> (kind's Kubernetes patch, not ours). The
// engine never had the locally built image and has no network beyond its loopback
// (mirror-engine.ts). A digest the mirror does not have sends the step to the local build.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runPullStep, startMirrorEngine, type MirrorEngine } from './mirror-engine.ts';

let engine: MirrorEngine;
beforeAll(async () => {
  engine = await startMirrorEngine((line) => console.log(`[spiegel] ${line}`));
});
afterAll(() => engine?.close());

test('a digest the mirror does not serve: the step says so and leaves the node image to the local build', async () => {
  const result = await runPullStep(engine, `sha256:${'0'.repeat(64)}`);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Pull fehlgeschlagen');
  expect(result.stderr).toContain('lokal gebaut');
  expect((await engine.exec(['docker', 'images', '--quiet'])).stdout.trim()).toBe('');
});

test('kindest/node comes by digest through the mirror, and the cluster starts from it', async () => {
  const pulled = await runPullStep(engine, engine.digest);
  expect(pulled.stderr).toContain(`${engine.image}: geladen`);
  expect(pulled.code).toBe(0);
  const repoDigests = await engine.exec(['docker', 'image', 'inspect', '--format', '{{json .RepoDigests}}', engine.image]);
  expect(JSON.parse(repoDigests.stdout)).toContain(`kindest/node@${engine.digest}`);
  // The registry served it under the Docker Hub name, by digest.
  expect(await engine.registryLog()).toMatch(new RegExp(`GET /v2/kindest/node/manifests/${engine.digest}`));
  // A second run finds it by its digest and pulls nothing.
  const again = await runPullStep(engine, engine.digest);
  expect(again.code).toBe(0);
  expect(again.stderr).toContain(`${engine.image}: vorhanden`);

  const created = await engine.exec(['kind', 'create', 'cluster', '--name', 'pull', '--image', engine.image, '--wait', '240s'], { timeoutMs: 600_000 });
  expect(created.code, created.stderr).toBe(0);
  const nodes = await engine.exec(['kubectl', '--context', 'kind-pull', 'get', 'nodes', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}']);
  expect(nodes.stdout).toBe('True');
  const nodeImage = await engine.exec(['docker', 'inspect', '--format', '{{.Image}}', 'pull-control-plane']);
  const pulledId = await engine.exec(['docker', 'image', 'inspect', '--format', '{{.Id}}', engine.image]);
  expect(nodeImage.stdout.trim()).toBe(pulledId.stdout.trim());
});
