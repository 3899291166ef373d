// Werkbank on Kubernetes, learner mode "sandbox", as a class uses it: the 1-node kind
// cluster and Helm install of docker/werkbank/helm-sandbox.kind.test.ts (shared set-up,
// docker/werkbank/helm-sandbox-cluster.ts), then N learners open the page one after
// another (ticket, websocket, prompt in their new sandbox pod), after which their own
// kind clusters start side by side on the one node. Prints: page open → prompt (each,
// p50/p95), each learner's cluster start → Ready (p50/max, its steps), the runner's
// memory before and after (per learner), and learners per node: a sandbox pod's
// requests against the node's allocatable, and what an idle sandbox with its cluster
// Ready really uses (its cgroup: working set, CPU over a window).
//
//   node bench/sandbox-mode.ts [learners=3]      (or ./werkbank bench sandbox-mode,
//                                                  WERKBANK_BENCH_LEARNERS=2)
//
// Each learner's cluster is a whole kind cluster: on a 2-core machine keep N at 2–3.
// The runner makes at most learners.parallelStarts (chart default 8) at once, and in this
// mode the sandbox pod, where the shell runs, is part of that creation: a learner beyond
// it waits for a slot even for the prompt. WERKBANK_BENCH_PARALLEL=n sets it to n.
// WERKBANK_KEEP_HELM_CLUSTER=1 keeps the cluster afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from '../checks/quantity.ts';
import { connectLearner, type HelmCluster } from '../docker/werkbank/helm-cluster.ts';
import { startSandboxHelmCluster, stepSeconds, waitForLearnerCluster } from '../docker/werkbank/helm-sandbox-cluster.ts';
import { containerCpu, containerMemory, podRequest, runnerMemory } from '../docker/werkbank/pod-usage.ts';
import type { ClusterStatus } from '../runner/http/contract.ts';
import { newLearner, type Learner, type TerminalClient } from '../runner/testing/terminal-client.ts';
import { median, percentile } from './stats.ts';

const learners = Number(process.argv[2] ?? process.env.WERKBANK_BENCH_LEARNERS ?? 3);
const parallel = process.env.WERKBANK_BENCH_PARALLEL;
/** The window over which an idle sandbox's CPU use is averaged. */
const IDLE_WINDOW_SECONDS = 30;
const MiB = 1 << 20;
const GiB = 1 << 30;

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const live = (pod: V1Pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running';

interface IdleSandbox {
  pod: string;
  workingSetMiB: number;
  anonMiB: number;
  cpuCores: number;
  /** The commands holding the most resident memory, "kube-apiserver 310 MiB" and so on. */
  topRss: string[];
}

async function idleSandbox(helm: HelmCluster, pod: string): Promise<IdleSandbox> {
  const [memory, cpuCores] = await Promise.all([containerMemory(helm, helm.sessionsNamespace, pod), containerCpu(helm, helm.sessionsNamespace, pod, IDLE_WINDOW_SECONDS)]);
  const topRss = [...memory.rssMiB.entries()]
    .sort(([, a], [, b]) => b.mib - a.mib)
    .slice(0, 6)
    .map(([command, { mib, processes }]) => `${command}${processes > 1 ? ` ×${processes}` : ''} ${fixed(mib, 0)} MiB`);
  return { pod, workingSetMiB: memory.workingSetMiB, anonMiB: memory.anonMiB, cpuCores, topRss };
}

/** What a worker set aside for sandboxes carries besides them: its DaemonSet pods. */
async function daemonSetRequests(helm: HelmCluster, node: string): Promise<{ cpu: number; memory: number }> {
  const pods = (await helm.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
  const daemons = pods.filter((pod) => pod.metadata?.ownerReferences?.some((owner) => owner.kind === 'DaemonSet'));
  return {
    cpu: daemons.reduce((sum, pod) => sum + podRequest(pod, 'cpu'), 0),
    memory: daemons.reduce((sum, pod) => sum + podRequest(pod, 'memory'), 0),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'werkbank-bench-sbx-'));
  const helm = await startSandboxHelmCluster({
    name: `wb-bench-sbx-${randomBytes(3).toString('hex')}`,
    dir,
    sets: parallel ? [`learners.parallelStarts=${parallel}`] : [],
  });
  const terminals: TerminalClient[] = [];
  try {
    const before = await runnerMemory(helm);
    const people: Learner[] = [];
    const toPrompt: number[] = [];
    for (let i = 0; i < learners; i++) {
      const learner = await newLearner(helm.baseUrl);
      const started = performance.now();
      terminals.push(await connectLearner(helm.baseUrl, learner, 900_000));
      people.push(learner);
      toPrompt.push((performance.now() - started) / 1000);
      console.log(`  Lernende ${i + 1}/${learners}: Prompt im Sandbox-Pod nach ${fixed(toPrompt.at(-1)!)} s (Last ${fixed(loadavg()[0]!)})`);
    }

    // The clusters start with the sandbox pods and now run side by side on the one node.
    // A failed one is a figure too (the page would offer "Erneut versuchen"); the rest
    // is measured on the others.
    const outcomes = await Promise.all(
      people.map(async (learner, i) => {
        try {
          const cluster = await waitForLearnerCluster(helm.baseUrl, learner, 2_400_000);
          console.log(`  Lernende ${i + 1}: Cluster bereit nach ${fixed((cluster.readyAt! - cluster.startedAt!) / 1000)} s (${stepSeconds(cluster).join(', ')}; Last ${fixed(loadavg()[0]!)})`);
          return cluster;
        } catch (error) {
          console.log(`  Lernende ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }
      }),
    );
    const ready = outcomes.filter((cluster): cluster is ClusterStatus => cluster !== undefined);
    if (ready.length === 0) throw new Error('Kein Cluster der Lernenden wurde bereit.');
    const toReady = ready.map((cluster) => (cluster.readyAt! - cluster.startedAt!) / 1000);
    const span = (Math.max(...ready.map((cluster) => cluster.readyAt!)) - Math.min(...ready.map((cluster) => cluster.startedAt!))) / 1000;

    // Each terminal with a cluster has answered once: the shell and its kubectl exec
    // are in place (a failed cluster took its sandbox pod and shell with it).
    const withShell = terminals.filter((_, i) => outcomes[i] !== undefined);
    for (const terminal of withShell) await terminal.run('true', 60_000);
    const after = await runnerMemory(helm);

    const sandboxPods = (await helm.core.listNamespacedPod({ namespace: helm.sessionsNamespace })).items.filter(live);
    const idle = await Promise.all(sandboxPods.map((pod) => idleSandbox(helm, pod.metadata!.name!)));
    const sample = sandboxPods[0]!;
    const nodeName = sample.spec!.nodeName!;
    const node = await helm.core.readNode({ name: nodeName });
    const allocatable = { cpu: parseQuantity(node.status?.allocatable?.cpu) ?? 0, memory: parseQuantity(node.status?.allocatable?.memory) ?? 0 };
    const request = { cpu: podRequest(sample, 'cpu'), memory: podRequest(sample, 'memory') };
    const limits = sample.spec!.containers[0]!.resources?.limits ?? {};
    const daemons = await daemonSetRequests(helm, nodeName);
    const byRequest = {
      cpu: Math.floor((allocatable.cpu - daemons.cpu) / request.cpu),
      memory: Math.floor((allocatable.memory - daemons.memory) / request.memory),
    };
    const use = {
      cpu: idle.reduce((sum, sandbox) => sum + sandbox.cpuCores, 0) / idle.length,
      memoryMiB: idle.reduce((sum, sandbox) => sum + sandbox.workingSetMiB, 0) / idle.length,
      anonMiB: idle.reduce((sum, sandbox) => sum + sandbox.anonMiB, 0) / idle.length,
    };
    const byUse = {
      cpu: Math.floor(allocatable.cpu / use.cpu),
      memory: Math.floor(allocatable.memory / MiB / use.memoryMiB),
      anon: Math.floor(allocatable.memory / MiB / use.anonMiB),
    };

    console.log(`\nSandbox-Modus, ${learners} Lernende nacheinander, 1 Knoten, höchstens ${parallel ?? 8} Cluster zugleich im Aufbau (Last jetzt ${loadavg().map((load) => fixed(load)).join(' ')})`);
    console.log(`Aufbau: Cluster ${fixed(helm.seconds.cluster)} s, Images in den Knoten ${fixed(helm.seconds.imageLoad)} s, helm install ${fixed(helm.seconds.install)} s`);
    console.log(
      `Seite geöffnet → Prompt im neuen Sandbox-Pod: ${toPrompt.map((value) => `${fixed(value)} s`).join(', ')}; ` +
        `p50 ${fixed(median(toPrompt))} s, p95 ${fixed(percentile(toPrompt, 95))} s`,
    );
    console.log(
      `Start → Cluster der Lernenden bereit (auf einem Knoten): ${toReady.map((value) => `${fixed(value)} s`).join(', ')}; ` +
        `p50 ${fixed(median(toReady))} s, max ${fixed(Math.max(...toReady))} s; erster Start bis letzter bereit ${fixed(span)} s`,
    );
    console.log(
      `Runner-Speicher vorher: Working Set ${fixed(before.workingSetMiB)} MiB (node ${fixed(before.nodeRssMiB)} MiB RSS); ` +
        `nachher: ${fixed(after.workingSetMiB)} MiB (node ${fixed(after.nodeRssMiB)} MiB, ${after.kubectlCount} kubectl ${fixed(after.kubectlRssMiB)} MiB RSS)`,
    );
    console.log(
      `Pro Lernende mit Terminal (${withShell.length}): Working Set +${fixed((after.workingSetMiB - before.workingSetMiB) / withShell.length)} MiB, ` +
        `node +${fixed((after.nodeRssMiB - before.nodeRssMiB) / withShell.length)} MiB`,
    );
    console.log(`Sandbox-Pods im Leerlauf, Cluster bereit (cgroup des Pods, CPU über ${IDLE_WINDOW_SECONDS} s):`);
    for (const sandbox of idle) {
      console.log(`  ${sandbox.pod}: Working Set ${fixed(sandbox.workingSetMiB, 0)} MiB (anonym ${fixed(sandbox.anonMiB, 0)} MiB), CPU ${fixed(sandbox.cpuCores * 1000, 0)}m; größte RSS: ${sandbox.topRss.join(', ')}`);
    }
    console.log(
      `Sandbox-Pod fordert ${fixed(request.cpu * 1000, 0)}m CPU, ${fixed(request.memory / MiB, 0)} MiB (Limits ${limits.cpu ?? '–'} CPU, ${limits.memory ?? '–'}); ` +
        `Knoten ${nodeName}: allokierbar ${fixed(allocatable.cpu, 2)} CPU, ${fixed(allocatable.memory / GiB)} GiB, DaemonSets fordern ${fixed(daemons.cpu * 1000, 0)}m, ${fixed(daemons.memory / MiB, 0)} MiB`,
    );
    console.log(
      `Lernende pro Worker dieser Größe (nur Sandboxen): nach Requests ${Math.min(byRequest.cpu, byRequest.memory)} (CPU ${byRequest.cpu}, Speicher ${byRequest.memory}); ` +
        `nach echtem Verbrauch im Leerlauf ${Math.min(byUse.cpu, byUse.memory)} (CPU ${byUse.cpu} bei ${fixed(use.cpu * 1000, 0)}m, Speicher ${byUse.memory} bei ${fixed(use.memoryMiB, 0)} MiB Working Set, ${byUse.anon} bei ${fixed(use.anonMiB, 0)} MiB anonym)`,
    );
    console.log(`Gestartet: ${sandboxPods.length} von ${learners} Sandbox-Pods laufen, ${ready.length} von ${learners} Clustern bereit`);
  } finally {
    for (const terminal of terminals) await terminal.close().catch(() => undefined);
    if (process.env.WERKBANK_KEEP_HELM_CLUSTER !== '1') await helm.delete();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
