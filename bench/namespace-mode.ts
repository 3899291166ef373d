// Werkbank on Kubernetes, learner mode "namespace", as a class uses it: the 3-node kind
// cluster and Helm install of docker/werkbank/helm-namespace.kind.test.ts (shared set-up,
// docker/werkbank/helm-cluster.ts), then N learners open the page one after another
// (ticket, websocket, prompt in their new session pod, as the kind test does). Prints:
// page open → prompt p50/p95, the runner's memory before and after (per learner), and
// learners per node (a session pod's requests against what each worker has left, and
// where the pods actually run).
//
//   node bench/namespace-mode.ts [learners=10]      (or ./werkbank bench namespace-mode)
//
// WERKBANK_KEEP_HELM_CLUSTER=1 keeps the cluster afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Node } from '@kubernetes/client-node';
import { parseQuantity } from '../checks/quantity.ts';
import { connectLearner, startHelmCluster, type HelmCluster } from '../docker/werkbank/helm-cluster.ts';
import { podRequest, runnerMemory } from '../docker/werkbank/pod-usage.ts';
import { newLearner, type TerminalClient } from '../runner/testing/terminal-client.ts';
import { median, percentile } from './stats.ts';

const learners = Number(process.argv[2] ?? process.env.WERKBANK_BENCH_LEARNERS ?? 10);
const MiB = 1 << 20;

/** Per worker: room left by requests (allocatable minus what its pods request) and how
 * many more session pods that holds, with the session pods running there now. */
async function learnersPerNode(helm: HelmCluster, sessionRequest: { cpu: number; memory: number }) {
  const nodes = (await helm.core.listNode()).items.filter((node: V1Node) => helm.workerNodes.includes(node.metadata!.name!));
  const pods = (await helm.core.listPodForAllNamespaces()).items.filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
  return nodes.map((node) => {
    const name = node.metadata!.name!;
    const here = pods.filter((pod) => pod.spec?.nodeName === name);
    const sessions = here.filter((pod) => pod.metadata?.namespace === helm.sessionsNamespace && pod.status?.phase === 'Running').length;
    const cpu = parseQuantity(node.status?.allocatable?.cpu) ?? 0;
    const memory = parseQuantity(node.status?.allocatable?.memory) ?? 0;
    const otherCpu = here.reduce((sum, pod) => sum + podRequest(pod, 'cpu'), 0) - sessions * sessionRequest.cpu;
    const otherMemory = here.reduce((sum, pod) => sum + podRequest(pod, 'memory'), 0) - sessions * sessionRequest.memory;
    const byCpu = Math.floor((cpu - otherCpu) / sessionRequest.cpu);
    const byMemory = Math.floor((memory - otherMemory) / sessionRequest.memory);
    return { name, cpu, memory, byCpu, byMemory, sessions };
  });
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'werkbank-bench-ns-'));
  const helm = await startHelmCluster({ name: `wb-bench-ns-${randomBytes(3).toString('hex')}`, dir, sets: [`learners.maxSessions=${Math.max(30, learners + 5)}`] });
  const terminals: TerminalClient[] = [];
  try {
    const before = await runnerMemory(helm);
    const seconds: number[] = [];
    for (let i = 0; i < learners; i++) {
      const learner = await newLearner(helm.baseUrl);
      const started = performance.now();
      terminals.push(await connectLearner(helm.baseUrl, learner));
      seconds.push((performance.now() - started) / 1000);
      console.log(`  Lernende ${i + 1}/${learners}: Prompt nach ${fixed(seconds.at(-1)!)} s (Last ${fixed(loadavg()[0]!)})`);
    }
    // Each terminal has answered once: the shell and its kubectl exec are in place.
    for (const terminal of terminals) await terminal.run('true', 60_000);
    const after = await runnerMemory(helm);

    const sessionPods = (await helm.core.listNamespacedPod({ namespace: helm.sessionsNamespace })).items;
    const sample = sessionPods[0]!;
    const request = { cpu: podRequest(sample, 'cpu'), memory: podRequest(sample, 'memory') };
    const perNode = await learnersPerNode(helm, request);

    console.log(`\nNamespace-Modus, ${learners} Lernende nacheinander, 2 Worker (Last jetzt ${loadavg().map((load) => fixed(load)).join(' ')})`);
    console.log(`Aufbau: Cluster ${fixed(helm.seconds.cluster)} s, Image in die Worker ${fixed(helm.seconds.imageLoad)} s, helm install ${fixed(helm.seconds.install)} s`);
    console.log(`Seite geöffnet → Prompt im neuen Sitzungs-Pod: p50 ${fixed(median(seconds))} s, p95 ${fixed(percentile(seconds, 95))} s, min ${fixed(Math.min(...seconds))} s, max ${fixed(Math.max(...seconds))} s`);
    console.log(
      `Runner-Speicher vorher: Working Set ${fixed(before.workingSetMiB)} MiB (node ${fixed(before.nodeRssMiB)} MiB RSS); ` +
        `nachher: ${fixed(after.workingSetMiB)} MiB (node ${fixed(after.nodeRssMiB)} MiB, ${after.kubectlCount} kubectl ${fixed(after.kubectlRssMiB)} MiB RSS)`,
    );
    console.log(
      `Pro Lernende: Working Set +${fixed((after.workingSetMiB - before.workingSetMiB) / learners)} MiB, ` +
        `node +${fixed((after.nodeRssMiB - before.nodeRssMiB) / learners)} MiB, kubectl ${fixed(after.kubectlRssMiB / Math.max(1, after.kubectlCount))} MiB je Prozess`,
    );
    console.log(`Sitzungs-Pod fordert ${fixed(request.cpu * 1000, 0)}m CPU, ${fixed(request.memory / MiB, 0)} MiB`);
    for (const node of perNode) {
      console.log(
        `  ${node.name}: allokierbar ${fixed(node.cpu, 2)} CPU, ${fixed(node.memory / 2 ** 30)} GiB → Platz für ${Math.min(node.byCpu, node.byMemory)} Sitzungs-Pods ` +
          `(CPU ${node.byCpu}, Speicher ${node.byMemory}); laufen jetzt: ${node.sessions}`,
      );
    }
    const started = perNode.reduce((sum, node) => sum + node.sessions, 0);
    console.log(`Gestartet: ${started} von ${learners} Sitzungs-Pods laufen`);
  } finally {
    for (const terminal of terminals) await terminal.close().catch(() => undefined);
    if (process.env.WERKBANK_KEEP_HELM_CLUSTER !== '1') await helm.delete();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
