import type { V1SecurityContext } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { podSecurity } from './pod-security.ts';

const hardened: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

describe('pod-security', () => {
  test.concurrent('passes with runAsNonRoot on the pod and the rest on the container', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [container({ securityContext: hardened })],
        pod: { securityContext: { runAsNonRoot: true, runAsUser: 101 } },
      }),
    );

    const result = await runCheck(kube, namespace, podSecurity, { name: 'web' });

    expect(result.message).toBe(
      'Das Deployment ‚web‘ ist abgesichert: nicht privilegiert, runAsNonRoot, allowPrivilegeEscalation: false und capabilities.drop: [ALL] in seinem Container.',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('runAsNonRoot missing and capabilities not dropped: names both', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('web', { containers: [container({ securityContext: { allowPrivilegeEscalation: false } })] }),
    );

    const result = await runCheck(kube, namespace, podSecurity, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'Das Deployment ‚web‘ ist noch nicht abgesichert. Container ‚web‘: runAsNonRoot fehlt und capabilities.drop: [ALL] fehlt',
    );
    expect(result.message).toContain('„runAsNonRoot: true“');
  });

  test.concurrent('an init container running as root counts too', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [container({ securityContext: hardened })],
        pod: {
          securityContext: { runAsNonRoot: true },
          initContainers: [container({ name: 'migrate', securityContext: { ...hardened, runAsUser: 0 } })],
        },
      }),
    );

    const result = await runCheck(kube, namespace, podSecurity, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Init-Container ‚migrate‘: runAsUser: 0 (root)');
    expect(result.message).not.toContain('Container ‚web‘:');
  });

  test.concurrent('privileged, or capabilities added back, are flagged', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [
          container({
            securityContext: {
              runAsNonRoot: true,
              privileged: true,
              capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_BIND_SERVICE'] },
            },
          }),
        ],
      }),
    );

    const result = await runCheck(kube, namespace, podSecurity, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('privileged: true');
    expect(result.message).toContain('capabilities.add gibt NET_ADMIN zurück');
    expect(result.message).not.toContain('NET_BIND_SERVICE');
    expect(result.message).toContain('Ein privilegierter Container hat praktisch alle Rechte des Knotens');
  });

  test.concurrent('a bare Pod is checked as well', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'werkzeug' }, spec: { containers: [container({ name: 'shell' })] } },
    });

    const result = await runCheck(kube, namespace, podSecurity, { kind: 'Pod', name: 'werkzeug', runAsNonRoot: false });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der Pod ‚werkzeug‘ ist noch nicht abgesichert. Container ‚shell‘: allowPrivilegeEscalation: false fehlt');
    expect(result.message).not.toContain('runAsNonRoot');
  });
});
