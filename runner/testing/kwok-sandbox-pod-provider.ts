// The provider of the chart's sandbox mode on the shared kwok cluster, for its kwok
// tests: the programs it runs in the pod (kubectl exec …) go to the test's fake runner,
// the sandbox image is a name only, polling is fast and the log quiet.
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CommandRunner } from '../clusters/commands.ts';
import { SandboxPodProvider } from '../clusters/sandbox-pod-provider.ts';
import type { SessionPodSettings } from '../clusters/session-pod.ts';

export function kwokSandboxPodProvider(options: {
  dataDir: string;
  admin: KubeConfig;
  sessionsNamespace: string;
  /** The chart's learners.* settings (home claims …). */
  sessionSettings: SessionPodSettings;
  runner: CommandRunner;
}): SandboxPodProvider {
  return new SandboxPodProvider({
    stateDir: join(options.dataDir, 'clusters'),
    kubeConfig: options.admin,
    kubeconfigPath: '/data/runner.kubeconfig',
    kubectl: '/usr/local/bin/kubectl',
    sessionsNamespace: options.sessionsNamespace,
    sandboxImage: 'werkbank/sandbox-seeded:test',
    sessionSettings: options.sessionSettings,
    shellLimits: { shellPids: 512, shellMemoryMiB: 1536 },
    labsDir: '/opt/werkbank/app/labs',
    runner: options.runner,
    pollMs: 200,
    log: () => {},
  });
}
