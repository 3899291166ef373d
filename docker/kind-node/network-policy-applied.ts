// For kind tests: kindnet-lite writes the nftables table it applied to a file in its
// container only after `nft -f` succeeded, so "every node's file names these pod
// addresses" is the real condition that the current NetworkPolicies are enforced.
import type { KubeConfig } from '@kubernetes/client-node';
import { CoreV1Api } from '@kubernetes/client-node';
import { podExec } from '../../checks/exec.ts';
import { waitFor } from '../../checks/testing/wait.ts';

const APPLIED_FILE = '/tmp/network-policies-applied';

function mentions(table: string, ip: string): boolean {
  return new RegExp(`(^|[^\\d.])${ip.replaceAll('.', '\\.')}([^\\d]|$)`).test(table);
}

/** Waits until kindnet-lite on every node has applied a table that names all `ips`. */
export async function waitForPolicyApplied(kubeConfig: KubeConfig, ips: string[], timeoutMs = 120_000): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await waitFor(`kindnet-lite setzt die NetworkPolicies für ${ips.join(', ')} auf jedem Knoten durch`, async () => {
    const agents = await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'app=kindnet' });
    for (const agent of agents.items) {
      const result = await podExec(kubeConfig, AbortSignal.timeout(20_000))({
        namespace: 'kube-system',
        pod: agent.metadata!.name!,
        container: 'kindnet-cni',
        command: ['cat', APPLIED_FILE],
      }).catch(() => undefined);
      if (!result || result.exitCode !== 0 || !ips.every((ip) => mentions(result.stdout, ip))) return false;
    }
    return agents.items.length > 0;
  }, { timeoutMs, intervalMs: 1_000 });
}
