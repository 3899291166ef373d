// A learner's sandbox as a pod (the chart's mode "sandbox"): the werkbank/sandbox image
// of the one-host sandbox provider (sandbox-provider.ts), privileged, in the chart's
// sessions namespace (Pod Security "privileged" there and nowhere else), on the nodes the
// chart's `learners.nodeSelector`/`tolerations` pick. Inside, as on one host, run the
// learner's shell, a Docker daemon of their own and their kind cluster on it.
//
// Shown by hand on this machine (README, "Sandbox-Modus"): kind node container → this
// pod (containerd, cgroup v1) → its dockerd (with the runc wrapper the image brings) →
// kind's node containers; the compose lab's solutions and checks pass there.
//
// What differs from a container on one host, and why:
// - Docker's data root is an emptyDir: the container's own file system is overlay, and
//   overlay on overlay does not work. An emptyDir is a plain directory on the node.
// - Ready means the inner Docker answers (an exec probe), so the runner's wait for the
//   pod is its wait for Docker.
// - The runner reaches the inner cluster's API server on the pod's address (kind
//   publishes it on 0.0.0.0:6443 in the pod, sandboxApiKubeconfig): no port-forward
//   process per learner. The sessions namespace's NetworkPolicy lets only the runner in.
// - Every `docker exec <sandbox> …` of the one-host provider becomes `kubectl exec` into
//   the pod's container "sandbox" (sandboxPodExec).
import type { V1Pod } from '@kubernetes/client-node';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import { API_PORT, INNER_KUBECONFIG, INNER_NODE, SANDBOX_SHELL, sandboxApiKubeconfig, sandboxShellEnv, type SandboxLimits } from './sandbox-provider.ts';
import { SESSION_LABEL, sessionPlacement, type SessionPodSettings } from './session-pod.ts';

export const SANDBOX_CONTAINER = 'sandbox';
/** The learner's home in the sandbox image (root's, as in the one-host sandbox). */
export const SANDBOX_POD_HOME = '/root';
const DOCKER_DATA_ROOT = '/var/lib/docker';

export interface SandboxPodOptions {
  /** Pod name, also the session's name in labels. */
  name: string;
  /** werkbank/sandbox (docker/sandbox/build.sh). */
  image: string;
  /** Marks this runner's pods (label werkbank.dev/runner). */
  owner: string;
  settings: SessionPodSettings;
  /** The learner's home claim (session-pod.ts homeClaim); without it the home lives in the pod. */
  homeClaim?: string;
}

export function sandboxPod(options: SandboxPodOptions): V1Pod {
  return {
    metadata: {
      name: options.name,
      labels: { [RUNNER_LABEL]: options.owner, [SESSION_LABEL]: options.name },
    },
    spec: {
      // Nothing of the school's cluster inside: no token, no Service variables.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostname: 'werkbank',
      // The node's resolver, not the school cluster's DNS: the learner's kind cluster
      // inside has the same service range (kind's 10.96.0.0/16), so its CoreDNS, sent on
      // to 10.96.0.10, reached itself, found a loop and stopped. A sandbox has no
      // business with the school cluster's Service names anyway.
      dnsPolicy: 'Default',
      ...sessionPlacement(options.settings),
      // dockerd stops its containers (the kind node) cleanly on SIGTERM (tini -g).
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: SANDBOX_CONTAINER,
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          // kind's node containers are privileged containers of the inner Docker.
          securityContext: { privileged: true },
          resources: options.settings.resources,
          env: [{ name: 'WERKBANK', value: '1' }],
          workingDir: SANDBOX_POD_HOME,
          readinessProbe: {
            exec: { command: ['docker', 'version', '--format', '{{.Server.Version}}'] },
            periodSeconds: 2,
            timeoutSeconds: 10,
            failureThreshold: 3,
          },
          volumeMounts: [
            { name: 'docker', mountPath: DOCKER_DATA_ROOT },
            { name: 'home', mountPath: SANDBOX_POD_HOME },
            // kube-proxy in the learner's kind node looks for kernel modules here.
            { name: 'modules', mountPath: '/lib/modules', readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'docker', emptyDir: {} },
        options.homeClaim ? { name: 'home', persistentVolumeClaim: { claimName: options.homeClaim } } : { name: 'home', emptyDir: {} },
        { name: 'modules', hostPath: { path: '/lib/modules' } },
      ],
    },
  };
}

/** How the runner reaches a sandbox pod: kubectl with the runner's rights. */
export interface SandboxPodTarget {
  kubectl: string;
  kubeconfigPath: string;
  namespace: string;
  pod: string;
}

/** The prefix that runs a program in the sandbox pod, where the one-host provider has
 * `docker exec <sandbox>`. With a terminal (`tty`) for the learner's shell. */
export function sandboxPodExec(target: SandboxPodTarget, options: { stdin?: boolean; tty?: boolean } = {}): string[] {
  return [
    target.kubectl, '--kubeconfig', target.kubeconfigPath, 'exec',
    ...(options.stdin || options.tty ? ['--stdin'] : []),
    ...(options.tty ? ['--tty'] : []),
    '--quiet', '--namespace', target.namespace, target.pod, '--container', SANDBOX_CONTAINER, '--',
  ];
}

/** The learner's login shell in the pod, under the runner's node-pty (`kubectl exec`
 * cannot set variables, so `env` does). */
export function sandboxPodShellCommand(target: SandboxPodTarget, session: string, limits: Pick<SandboxLimits, 'shellPids' | 'shellMemoryMiB'>): string[] {
  // KUBECONFIG here too: the runner's later rewrites of ~/.werkbank/env.sh stay on its side.
  return [...sandboxPodExec(target, { tty: true }), 'env', '-C', SANDBOX_POD_HOME, ...sandboxShellEnv(session, limits), `KUBECONFIG=${INNER_KUBECONFIG}`, SANDBOX_SHELL];
}

/** Runs a program in the learner's kind node (image checks: crictl), one exec deeper. */
export function sandboxPodNodeExec(target: SandboxPodTarget): string[] {
  return [...sandboxPodExec(target), 'docker', 'exec', INNER_NODE];
}

/** Run in the pod once kind made the learner's cluster: connections to its API server
 * that come in on the pod's address leave for the kind node with the pod's inner bridge
 * address as their source. Without it the node answers the runner's own address, and
 * the learner's cluster has a pod network of its own (kind's default 10.244.0.0/16, the
 * same as kind's and many a school's outer one): once an inner pod holds the runner's
 * address, the answers go to that pod and "Prüfen" times out. Masquerading works
 * whatever ranges the school's cluster uses. */
export const API_MASQUERADE_SCRIPT = [
  `node=$(docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' ${INNER_NODE})`,
  `iptables -t nat -C POSTROUTING -p tcp -d "$node" --dport ${API_PORT} -j MASQUERADE 2>/dev/null || iptables -t nat -I POSTROUTING -p tcp -d "$node" --dport ${API_PORT} -j MASQUERADE`,
].join('\n');

/** The runner's kubeconfig for the learner's cluster: its API server on the pod's
 * address. Throws while the pod has none (not scheduled or not started yet). */
export function sandboxPodApiKubeconfig(innerYaml: string, pod: V1Pod): string {
  const address = pod.status?.podIP;
  if (!address) throw new Error(`Der Sandbox-Pod ${pod.metadata?.name ?? '?'} hat noch keine Adresse.`);
  return sandboxApiKubeconfig(innerYaml, address, API_PORT);
}
