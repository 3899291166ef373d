// What the Gateway API add-on adds to every learner cluster: the time its CRDs take to be
// created and established (the add-on step waits for that before Traefik's GatewayClass),
// and the node's memory with and without them once the API server has settled.
//
//   node bench/gateway-api-addon.ts [runs=3]
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { createKindCluster } from '../checks/testing/kind-cluster.ts';
import { kubeClients } from '../checks/testing/kube-clients.ts';
import { waitFor } from '../checks/testing/wait.ts';
import { addonManifests } from '../docker/images/images.ts';
import { applyManifest } from '../runner/clusters/manifests.ts';
import { runChecked } from '../runner/process.ts';
import { containerMemoryMiB } from './kind-measure.ts';
import { median } from './stats.ts';

const runs = Number(process.argv[2] ?? 3);
const SETTLE_MS = 30_000;

const manifest = (await addonManifests()).find((line) => line.endsWith('/gateway-api.yaml'));
if (!manifest) throw new Error('docker/images/build.sh --manifests nennt kein gateway-api.yaml');
await runChecked('bash', [new URL('../docker/images/gateway-api/render.sh', import.meta.url).pathname, manifest]);

const cluster = await createKindCluster('werkbank-bench-gw');
try {
  const kube = kubeClients(cluster.kubeconfigPath);
  const crdApi = kube.config.makeApiClient(ApiextensionsV1Api);
  const gatewayCrds = async () => (await crdApi.listCustomResourceDefinition()).items.filter((crd) => crd.spec.group === 'gateway.networking.k8s.io');
  await waitFor('alle Pods in kube-system laufen', async () => {
    const pods = await kube.core.listNamespacedPod({ namespace: 'kube-system' });
    return pods.items.length > 0 && pods.items.every((pod) => pod.status?.phase === 'Running');
  }, { timeoutMs: 180_000 });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const without = await containerMemoryMiB(cluster.nodeContainer);

  const seconds: number[] = [];
  let withCrds = 0;
  for (let index = 1; index <= runs; index++) {
    for (const crd of await gatewayCrds()) await crdApi.deleteCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
    await waitFor('Gateway-API-CRDs gelöscht', async () => (await gatewayCrds()).length === 0, { timeoutMs: 120_000 });
    const started = performance.now();
    await applyManifest(kube.config, manifest);
    seconds.push((performance.now() - started) / 1000);
    console.log(`Lauf ${index}/${runs}: 6 CRDs angelegt und bereit in ${seconds.at(-1)!.toFixed(1)} s`);
    // Memory after the first install only: later runs delete and recreate, which leaves garbage behind.
    if (index === 1) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      withCrds = await containerMemoryMiB(cluster.nodeContainer);
    }
  }
  console.log(`Gateway-API-CRDs im Add-on-Schritt: Median ${median(seconds).toFixed(1)} s (min ${Math.min(...seconds).toFixed(1)}, max ${Math.max(...seconds).toFixed(1)}, ${runs} Läufe)`);
  console.log(`Knoten-Speicher nach ${SETTLE_MS / 1000} s Ruhe: ohne CRDs ${without.toFixed(0)} MiB, mit ${withCrds.toFixed(0)} MiB (${(withCrds - without).toFixed(0)} MiB mehr)`);
} finally {
  await cluster.delete();
}
