// What a container in the Helm kind cluster really uses, read inside it over kubectl
// exec from its own cgroup (containerd mounts the container's cgroup at /sys/fs/cgroup,
// v1 as on this machine's engine or v2), as the kubelet and metrics-server count it —
// the clusters here have no metrics-server. For the benches' figures.
import type { V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from '../../checks/quantity.ts';
import { runnerPod, type HelmCluster } from './helm-cluster.ts';

const MiB = 1 << 20;

/** What a pod's containers request together (cores, bytes). */
export const podRequest = (pod: V1Pod, resource: 'cpu' | 'memory') =>
  (pod.spec?.containers ?? []).reduce((sum, container) => sum + (parseQuantity(container.resources?.requests?.[resource]) ?? 0), 0);

export interface ContainerMemory {
  /** cgroup memory usage minus inactive file cache: the kubelet's "working set". With
   * cgroup v1 it counts the cgroups below too (a sandbox's dockerd and its kind nodes). */
  workingSetMiB: number;
  /** Anonymous memory (v1 total_rss, v2 anon): the working set without the file cache
   * the kernel could give back under pressure (e.g. images just loaded). */
  anonMiB: number;
  /** Resident memory per command name (shared pages counted in each process). */
  rssMiB: Map<string, { mib: number; processes: number }>;
}

// The images here have sh, grep, cut and tr: the cgroup's usage, inactive file cache
// and anonymous memory, then each process's VmRSS with its command name.
const MEMORY_SCRIPT = [
  'if [ -r /sys/fs/cgroup/memory.current ]; then cat /sys/fs/cgroup/memory.current; grep -E "^(inactive_file|anon) " /sys/fs/cgroup/memory.stat | sort | cut -d" " -f2 | tac',
  'else cat /sys/fs/cgroup/memory/memory.usage_in_bytes; grep -E "^total_(inactive_file|rss) " /sys/fs/cgroup/memory/memory.stat | sort | cut -d" " -f2; fi',
  'for p in /proc/[0-9]*; do echo "rss $(tr " " "_" < $p/comm 2>/dev/null) $(grep VmRSS $p/status 2>/dev/null | tr -s \' \\t\' \' \' | cut -d\' \' -f2)"; done',
  'true',
].join('; ');

export async function containerMemory(helm: HelmCluster, namespace: string, pod: string): Promise<ContainerMemory> {
  const { stdout } = await helm.kubectl(['exec', '--namespace', namespace, pod, '--', 'sh', '-c', MEMORY_SCRIPT]);
  const lines = stdout.trim().split('\n');
  const rssMiB = new Map<string, { mib: number; processes: number }>();
  for (const line of lines.slice(3)) {
    const [, command, kib] = line.split(' ');
    const mib = (Number(kib) * 1024) / MiB;
    if (!command || !Number.isFinite(mib)) continue;
    const sum = rssMiB.get(command) ?? { mib: 0, processes: 0 };
    rssMiB.set(command, { mib: sum.mib + mib, processes: sum.processes + 1 });
  }
  return { workingSetMiB: (Number(lines[0]) - Number(lines[1])) / MiB, anonMiB: Number(lines[2]) / MiB, rssMiB };
}

// CPU time of the cgroup (ns) and the clock, twice, `seconds` apart, in one exec so
// the window is the container's own and not the exec's start-up.
const cpuScript = (seconds: number) => {
  const usage =
    'if [ -r /sys/fs/cgroup/cpu.stat ]; then echo $(( $(grep "^usage_usec " /sys/fs/cgroup/cpu.stat | cut -d" " -f2) * 1000 )); ' +
    'else cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || cat /sys/fs/cgroup/cpu,cpuacct/cpuacct.usage; fi';
  return `${usage}; date +%s%N; sleep ${seconds}; ${usage}; date +%s%N`;
};

/** The container's mean CPU use (cores) over a window of `seconds`. */
export async function containerCpu(helm: HelmCluster, namespace: string, pod: string, seconds: number): Promise<number> {
  const { stdout } = await helm.kubectl(['exec', '--namespace', namespace, pod, '--', 'sh', '-c', cpuScript(seconds)]);
  const [usage0, clock0, usage1, clock1] = stdout.trim().split('\n').map(Number);
  return (usage1! - usage0!) / (clock1! - clock0!);
}

export interface RunnerMemory {
  /** The runner container's working set: node, and every kubectl exec it runs. */
  workingSetMiB: number;
  /** Resident memory of the runner's own processes (node under tini; Node names its main
   * thread, so it is everything but the kubectl processes). */
  nodeRssMiB: number;
  /** Resident memory of the kubectl processes that carry the learners' terminals. */
  kubectlRssMiB: number;
  kubectlCount: number;
}

export async function runnerMemory(helm: HelmCluster): Promise<RunnerMemory> {
  const pod = await runnerPod(helm);
  const memory = await containerMemory(helm, helm.releaseNamespace, pod!.metadata!.name!);
  const kubectl = memory.rssMiB.get('kubectl') ?? { mib: 0, processes: 0 };
  const all = [...memory.rssMiB.values()].reduce((sum, entry) => sum + entry.mib, 0);
  return { workingSetMiB: memory.workingSetMiB, nodeRssMiB: all - kubectl.mib, kubectlRssMiB: kubectl.mib, kubectlCount: kubectl.processes };
}
