// A real kind cluster from Werkbank's node image: how long `kind create cluster` takes
// until the node is Ready (target: median under 120 s), how long the warm node-image
// build check takes (target: under 3 min), and how much memory one idle cluster uses.
//
//   node bench/kind-create.ts [runs=3]
import { createKindCluster, nodeImage } from '../checks/testing/kind-cluster.ts';
import { kubeClients } from '../checks/testing/kube-clients.ts';
import { waitFor } from '../checks/testing/wait.ts';
import { runChecked } from '../runner/process.ts';
import { containerMemoryMiB } from './kind-measure.ts';
import { median } from './stats.ts';

const runs = Number(process.argv[2] ?? 3);

let started = performance.now();
await runChecked('bash', [new URL('../docker/kind-node/build.sh', import.meta.url).pathname]);
console.log(`Node-Image ${await nodeImage()} (warm geprüft): ${((performance.now() - started) / 1000).toFixed(1)} s`);

const createSeconds: number[] = [];
for (let index = 1; index <= runs; index++) {
  started = performance.now();
  const cluster = await createKindCluster('werkbank-bench');
  createSeconds.push((performance.now() - started) / 1000);
  const kube = kubeClients(cluster.kubeconfigPath);
  // Idle means: everything kind installs has settled.
  await waitFor('alle Pods in kube-system und local-path-storage laufen', async () => {
    const pods = await kube.core.listPodForAllNamespaces();
    return pods.items.length > 0 && pods.items.every((pod) => pod.status?.phase === 'Running');
  }, { timeoutMs: 180_000 });
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  const memory = await containerMemoryMiB(cluster.nodeContainer);
  console.log(`Lauf ${index}/${runs}: kind create cluster ${createSeconds.at(-1)!.toFixed(1)} s, Speicher im Leerlauf ${memory.toFixed(0)} MiB`);
  await cluster.delete();
}
console.log(
  `kind create cluster: Median ${median(createSeconds).toFixed(1)} s ` +
    `(min ${Math.min(...createSeconds).toFixed(1)}, max ${Math.max(...createSeconds).toFixed(1)}, ${runs} Läufe)`,
);
