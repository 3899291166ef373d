import { RbacAuthorizationV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { runCheck } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { rbacAllows } from './rbac-allows.ts';

const readPods: V1PolicyRule = { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] };

/** ServiceAccount, Role and RoleBinding as in the lesson's rbac.yaml. */
async function setUp(
  kube: KubeClients,
  namespace: string,
  options: { rules?: V1PolicyRule[]; bindTo?: { name: string; namespace: string }; role?: string } = {},
) {
  await kube.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'pod-leser' } } });
  const rbac = kube.config.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'pod-leser' }, rules: options.rules ?? [readPods] } });
  const subject = options.bindTo ?? { name: 'pod-leser', namespace };
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'pod-leser' },
      subjects: [{ kind: 'ServiceAccount', ...subject }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: options.role ?? 'pod-leser' },
    },
  });
}

const step = {
  serviceAccount: 'pod-leser',
  allowed: ['get pods', 'list pods', 'watch pods', 'get pods/log'],
  denied: ['delete pods'],
  exactly: true,
};

describe('rbac-allows', () => {
  test.concurrent('passes when the Role grants exactly reading pods and their logs', async ({ kube, namespace }) => {
    await setUp(kube, namespace);

    const result = await runCheck(kube, namespace, rbacAllows, step);

    expect(result.message).toContain(
      'Der ServiceAccount ‚pod-leser‘ darf, was er soll: get pods, list pods, watch pods und get pods/log. Nicht erlaubt ist ihm delete pods, get secrets',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('a wildcard verb grants too much: names what', async ({ kube, namespace }) => {
    await setUp(kube, namespace, { rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['*'] }] });

    const result = await runCheck(kube, namespace, rbacAllows, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der ServiceAccount ‚pod-leser‘ darf mehr als nötig: delete pods, create pods, patch pods, update pods, create pods/log');
    expect(result.message).toContain('ein „*“ erlaubt alles');
  });

  // Near misses: one extra verb on the asked resource, and the right Role bound cluster-wide.
  test.concurrent('one verb too many on pods (update) fails, and passes once the Role is exact', async ({ kube, namespace }) => {
    await setUp(kube, namespace, { rules: [{ ...readPods, verbs: ['get', 'list', 'watch', 'update'] }] });

    const tooMuch = await runCheck(kube, namespace, rbacAllows, step);

    expect(tooMuch.passed).toBe(false);
    expect(tooMuch.message).toContain('Der ServiceAccount ‚pod-leser‘ darf mehr als nötig: update pods und update pods/log.');

    const rbac = kube.config.makeApiClient(RbacAuthorizationV1Api);
    await rbac.replaceNamespacedRole({ name: 'pod-leser', namespace, body: { metadata: { name: 'pod-leser' }, rules: [readPods] } });
    const exact = await runCheck(kube, namespace, rbacAllows, step);
    expect(exact.passed).toBe(true);
    expect(exact.message).toContain(`Außerhalb von ‚${namespace}‘ darf er nichts davon.`);
  });

  test.concurrent('the rights granted cluster-wide by a ClusterRoleBinding fail', async ({ kube, namespace }) => {
    await kube.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'pod-leser' } } });
    const rbac = kube.config.makeApiClient(RbacAuthorizationV1Api);
    const name = `pod-leser-${namespace}`;
    await rbac.createClusterRole({ body: { metadata: { name }, rules: [readPods] } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        subjects: [{ kind: 'ServiceAccount', name: 'pod-leser', namespace }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      },
    });
    try {
      const result = await runCheck(kube, namespace, rbacAllows, step);

      expect(result.passed).toBe(false);
      expect(result.message).toBe(
        `Der ServiceAccount ‚pod-leser‘ darf get pods, list pods, watch pods und get pods/log nicht nur im Namespace ‚${namespace}‘, sondern auch in ‚kube-system‘ – also in jedem Namespace. Tipp: Gib ihm die Rechte mit einer RoleBinding im Namespace ‚${namespace}‘ statt mit einer ClusterRoleBinding, und lösch die ClusterRoleBinding.`,
      );
    } finally {
      await rbac.deleteClusterRoleBinding({ name });
      await rbac.deleteClusterRole({ name });
    }
  });

  test.concurrent('logs forgotten (pods/log is a subresource of its own)', async ({ kube, namespace }) => {
    await setUp(kube, namespace, { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] });

    const result = await runCheck(kube, namespace, rbacAllows, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der ServiceAccount ‚pod-leser‘ darf noch nicht: get pods/log');
    expect(result.message).toContain('Gebunden ist er an Role ‚pod-leser‘, die das nicht erlaubt');
  });

  test.concurrent('the RoleBinding names the account in another namespace', async ({ kube, namespace }) => {
    await setUp(kube, namespace, { bindTo: { name: 'pod-leser', namespace: 'default' } });

    const result = await runCheck(kube, namespace, rbacAllows, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('darf noch nicht: get pods, list pods, watch pods und get pods/log');
    expect(result.message).toContain('Keine RoleBinding und keine ClusterRoleBinding verbindet ihn mit einer Rolle');
    expect(result.message).toContain('nennt einen anderen ServiceAccount (ServiceAccount default/pod-leser)');
  });

  test.concurrent('the RoleBinding points at a Role that does not exist', async ({ kube, namespace }) => {
    await setUp(kube, namespace, { role: 'pod-reader' });

    const result = await runCheck(kube, namespace, rbacAllows, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `Die RoleBinding ‚pod-leser‘ verweist auf die Role ‚pod-reader‘, die es im Namespace ‚${namespace}‘ nicht gibt`,
    );
  });

  test.concurrent('ServiceAccount missing', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, rbacAllows, { ...step, serviceAccount: 'log-leser' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`kubectl create serviceaccount log-leser -n ${namespace}`);
  });

  test('a permission written the wrong way is the lab author’s mistake', () => {
    expect(rbacAllows.params.safeParse({ serviceAccount: 'a', allowed: ['list pods', 'create deployments.apps', 'get pods/log'] }).success).toBe(true);
    expect(rbacAllows.params.safeParse({ serviceAccount: 'a', allowed: ['pods list'] }).success).toBe(false);
    expect(rbacAllows.params.safeParse({ serviceAccount: 'a', allowed: ['list'] }).success).toBe(false);
    expect(rbacAllows.params.safeParse({ serviceAccount: 'a', allowed: ['LIST pods'] }).success).toBe(false);
  });
});
