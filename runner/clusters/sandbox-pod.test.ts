// The chart's sandbox mode: what a learner's sandbox pod is, as the school's cluster
// would admit and run it, and how the runner reaches into it.
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { sandboxPod, sandboxPodApiKubeconfig, sandboxPodNodeExec, sandboxPodShellCommand, type SandboxPodTarget } from './sandbox-pod.ts';
import { parseSessionPodSettings } from './session-pod.ts';

const settings = parseSessionPodSettings(`
resources: { requests: { cpu: 500m, memory: 2Gi } }
nodeSelector: { werkbank.dev/sandboxes: "true" }
tolerations: [{ key: werkbank.dev/sandboxes, operator: Exists, effect: NoSchedule }]
home: { size: 1Gi }
`);
const pod = sandboxPod({ name: 'werkbank-3f9a01bc', image: 'werkbank/sandbox:v1.34.12', owner: 'runner-1', settings, homeClaim: 'home-abc' });
const container = pod.spec!.containers[0]!;
const mountOf = (path: string) => container.volumeMounts!.find((mount) => mount.mountPath === path);
const volumeOf = (name: string) => pod.spec!.volumes!.find((volume) => volume.name === name);

describe('sandbox pod', () => {
  it('is privileged (kind needs privileged containers inside) and carries no token of the school cluster', () => {
    expect(container.securityContext?.privileged).toBe(true);
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    expect(pod.spec?.enableServiceLinks).toBe(false);
  });

  it("keeps Docker's data root on an emptyDir, never on the container's own overlay", () => {
    const dataRoot = mountOf('/var/lib/docker');
    expect(dataRoot).toBeDefined();
    expect(volumeOf(dataRoot!.name)?.emptyDir).toEqual({});
  });

  it("mounts the learner's home claim as root's home, or an emptyDir without one", () => {
    expect(volumeOf(mountOf('/root')!.name)?.persistentVolumeClaim?.claimName).toBe('home-abc');
    const withoutClaim = sandboxPod({ name: 'werkbank-pool-1', image: 'i', owner: 'runner-1', settings });
    expect(withoutClaim.spec!.volumes!.find((volume) => volume.name === 'home')?.emptyDir).toEqual({});
  });

  it("runs only on the nodes the chart picks for sandboxes, with the chart's resources", () => {
    expect(pod.spec?.nodeSelector).toEqual({ 'werkbank.dev/sandboxes': 'true' });
    expect(pod.spec?.tolerations).toEqual([{ key: 'werkbank.dev/sandboxes', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(container.resources?.requests).toEqual({ cpu: '500m', memory: '2Gi' });
    expect(pod.metadata?.labels).toMatchObject({ 'werkbank.dev/runner': 'runner-1', 'werkbank.dev/session': 'werkbank-3f9a01bc' });
  });

  it("resolves names with the node's resolver, not the school cluster's DNS (the inner cluster's CoreDNS would loop back to itself)", () => {
    expect(pod.spec?.dnsPolicy).toBe('Default');
  });

  it('is ready only when the inner Docker answers', () => {
    expect(container.readinessProbe?.exec?.command?.slice(0, 2)).toEqual(['docker', 'version']);
  });
});

const target: SandboxPodTarget = { kubectl: '/usr/local/bin/kubectl', kubeconfigPath: '/data/runner.kubeconfig', namespace: 'werkbank-sessions', pod: 'werkbank-3f9a01bc' };

describe('reaching into a sandbox pod', () => {
  it("starts the learner's login shell by kubectl exec with a terminal, in root's home, with the shell's limits", () => {
    const command = sandboxPodShellCommand(target, 'abc123', { shellPids: 512, shellMemoryMiB: 1536 });
    expect(command.slice(0, 4)).toEqual(['/usr/local/bin/kubectl', '--kubeconfig', '/data/runner.kubeconfig', 'exec']);
    expect(command).toContain('--tty');
    const inPod = command.slice(command.indexOf('--') + 1);
    expect(inPod.slice(0, 3)).toEqual(['env', '-C', '/root']);
    expect(inPod).toEqual(expect.arrayContaining(['HOME=/root', 'WERKBANK_SESSION=abc123', 'WERKBANK_SHELL_PIDS=512', `WERKBANK_SHELL_MEMORY_BYTES=${1536 * 1024 * 1024}`]));
    expect(inPod.at(-1)).toBe('/usr/local/bin/werkbank-shell');
    expect(command.slice(command.indexOf('--namespace'), command.indexOf('--'))).toEqual(['--namespace', 'werkbank-sessions', 'werkbank-3f9a01bc', '--container', 'sandbox']);
  });

  it("reaches the learner's kind node one docker exec deeper, without a terminal", () => {
    const command = sandboxPodNodeExec(target);
    expect(command).not.toContain('--tty');
    expect(command.slice(command.indexOf('--') + 1)).toEqual(['docker', 'exec', 'kind-control-plane']);
  });

  it("points the runner's kubeconfig at the pod's address, checks the certificate for localhost, keeps only key material", () => {
    const inner = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kind-kind', cluster: { server: 'https://0.0.0.0:6443', 'certificate-authority-data': 'Q0E=' } }],
      users: [{ name: 'kind-kind', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ', exec: { command: '/tmp/evil', apiVersion: 'client.authentication.k8s.io/v1' } } }],
      contexts: [{ name: 'kind-kind', context: { cluster: 'kind-kind', user: 'kind-kind' } }],
      'current-context': 'kind-kind',
    });
    const running: V1Pod = { metadata: { name: 'werkbank-3f9a01bc' }, status: { podIP: '10.244.1.7' } };
    const config = new KubeConfig();
    config.loadFromString(sandboxPodApiKubeconfig(inner, running));
    expect(config.getCurrentCluster()).toMatchObject({ server: 'https://10.244.1.7:6443', tlsServerName: 'localhost', skipTLSVerify: false });
    expect(config.getCurrentUser()?.exec).toBeUndefined();
    expect(config.getCurrentUser()?.certData).toBe('Q0VSVA==');
    expect(() => sandboxPodApiKubeconfig(inner, { metadata: { name: 'werkbank-3f9a01bc' }, status: {} })).toThrow(/noch keine Adresse/);
  });
});
