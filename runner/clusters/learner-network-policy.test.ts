// The policy each learner namespace gets: which pods it covers and who may connect.
import { dumpYaml } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { expect, test } from 'vitest';
import { learnerNetworkPolicy } from './learner-network-policy.ts';

test('a learner namespace accepts connections only from its own pods and from that learner\'s session pod', () => {
  // As the API server receives it (the client's model calls `from` "_from").
  const policy = parse(dumpYaml(learnerNetworkPolicy({ name: 'werkbank-a1b2', owner: 'runner-1', sessionsNamespace: 'werkbank-sessions' }))) as { metadata: unknown; spec: { podSelector: unknown; policyTypes: unknown; egress?: unknown; ingress: unknown } };
  expect(policy.metadata).toMatchObject({ name: 'werkbank-isolation', namespace: 'werkbank-a1b2', labels: { 'werkbank.dev/runner': 'runner-1' } });
  // All pods of the namespace, including those made later; ingress only (egress stays open).
  expect(policy.spec.podSelector).toEqual({});
  expect(policy.spec.policyTypes).toEqual(['Ingress']);
  expect(policy.spec.egress).toBeUndefined();
  // One rule, two sources; no ports: every port, but nothing from anywhere else.
  expect(policy.spec.ingress).toEqual([{
    from: [
      { podSelector: {} },
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'werkbank-sessions' } },
        podSelector: { matchLabels: { 'werkbank.dev/session': 'werkbank-a1b2' } },
      },
    ],
  }]);
});
