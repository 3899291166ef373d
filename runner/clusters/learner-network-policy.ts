// The network side of a learner namespace: pods there accept connections only from pods
// of the same namespace and from that learner's own session pod, so no other learner
// (their pods or their shell) reaches them. Only ingress: what a learner's pods may
// reach is left open (egress is not restricted). Enforced by the cluster's CNI (Calico,
// Cilium …; in Werkbank's kind node image by kindnet-lite's subset of NetworkPolicy).
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import { SESSION_LABEL } from './session-pod.ts';

export const NETWORK_POLICY_NAME = 'werkbank-isolation';

/** Every namespace carries this label with its own name (set by the API server). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The policy for the learner namespace `name`; their session pod has the same name and
 * lives in `sessionsNamespace` (for a lab's namespace of theirs, `session` names it). */
export function learnerNetworkPolicy(options: { name: string; owner: string; sessionsNamespace: string; session?: string }): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: NETWORK_POLICY_NAME, namespace: options.name, labels: { [RUNNER_LABEL]: options.owner } },
    spec: {
      // Every pod of the namespace, also the ones the learner makes later.
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{
        _from: [
          // An empty pod selector without a namespace selector: this namespace only.
          { podSelector: {} },
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: options.sessionsNamespace } },
            podSelector: { matchLabels: { [SESSION_LABEL]: options.session ?? options.name } },
          },
        ],
      }],
    },
  };
}
