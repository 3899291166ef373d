// Learner kubeconfigs: the provider's config for one cluster, reduced to one context and
// re-labelled with a user name of this learner's own. @kubernetes/client-node keys its
// cached credentials and connections by user name, so two learners' configs sharing
// "kind-…" or "admin" would get each other's connections inside one runner process.
import { createHash } from 'node:crypto';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/** A short, stable, lower-case id for a learner (cluster names allow only [a-z0-9-]). */
export function learnerShortId(learnerId: string): string {
  return createHash('sha256').update(learnerId).digest('hex').slice(0, 8);
}

export interface LearnerKubeconfigOptions {
  /** The cluster's name as the learner sees it (context and cluster entry). */
  clusterName: string;
  learnerId: string;
  namespace: string;
  /** Replaces the admin user's credentials, e.g. a ServiceAccount token. */
  token?: string;
}

/** Unique per learner and per cluster incarnation: a reset cluster has new certificates. */
export function learnerUserName(learnerId: string, clusterName: string, generation: string): string {
  return `werkbank-${learnerShortId(learnerId)}@${clusterName}#${generation}`;
}

/** `generation` tells incarnations of one cluster name apart; by default a hash of the
 * admin config, whose certificates change with every new cluster. */
export function learnerKubeconfig(
  adminYaml: string,
  options: LearnerKubeconfigOptions,
  generation = createHash('sha256').update(adminYaml).digest('hex').slice(0, 8),
): string {
  const admin = new KubeConfig();
  admin.loadFromString(adminYaml);
  const cluster = admin.getCurrentCluster();
  const adminUser = admin.getCurrentUser();
  if (!cluster || !adminUser) throw new Error('Kubeconfig ohne aktuellen Cluster oder Benutzer');
  const userName = learnerUserName(options.learnerId, options.clusterName, generation);
  const user: User = options.token ? { name: userName, token: options.token } : { ...adminUser, name: userName };
  const learner = new KubeConfig();
  learner.loadFromOptions({
    clusters: [{ ...cluster, name: options.clusterName }],
    users: [user],
    contexts: [{ name: options.clusterName, cluster: options.clusterName, user: userName, namespace: options.namespace }],
    currentContext: options.clusterName,
  });
  // exportConfig leaves unset fields as undefined; the YAML drops them.
  return stringify(JSON.parse(learner.exportConfig()));
}
