// The most common failure of all: the object a check looks for is not there. Before
// saying so, look where the learner may have put it instead: another name in the same
// namespace (a typo), the same name in another namespace (a forgotten -n), or a
// namespace that does not exist at all.
import type { KubeApi } from './kube.ts';
import { readOrUndefined } from './kube.ts';
import { capitalize, kubectl, q, someOf, sentences } from './format.ts';
import { fail, type Verdict } from './core.ts';

export type Gender = 'm' | 'f' | 'n';

export interface KindLabel {
  /** The kind as learners say it: "Deployment", "PVC", "ConfigMap". */
  label: string;
  gender: Gender;
}

export const kinds = {
  Deployment: { label: 'Deployment', gender: 'n' },
  StatefulSet: { label: 'StatefulSet', gender: 'n' },
  DaemonSet: { label: 'DaemonSet', gender: 'n' },
  Pod: { label: 'Pod', gender: 'm' },
  Service: { label: 'Service', gender: 'm' },
  PersistentVolumeClaim: { label: 'PVC', gender: 'm' },
  Secret: { label: 'Secret', gender: 'n' },
  ConfigMap: { label: 'ConfigMap', gender: 'f' },
  Ingress: { label: 'Ingress', gender: 'm' },
  HorizontalPodAutoscaler: { label: 'HPA', gender: 'm' },
  Namespace: { label: 'Namespace', gender: 'm' },
  ServiceAccount: { label: 'ServiceAccount', gender: 'm' },
  CronJob: { label: 'CronJob', gender: 'm' },
  Job: { label: 'Job', gender: 'm' },
} as const satisfies Record<string, KindLabel>;

/** "das Deployment ‚web‘", "der Service ‚web‘", "die ConfigMap ‚app‘". */
export function the(kind: KindLabel, name: string): string {
  const article = { m: 'der', f: 'die', n: 'das' }[kind.gender];
  return `${article} ${kind.label} ${q(name)}`;
}

/** Same, at the start of a sentence. */
export function The(kind: KindLabel, name: string): string {
  return capitalize(the(kind, name));
}

/** "das Deployment ‚web‘", "den Service ‚web‘", "die ConfigMap ‚app‘" (accusative: "… gibt es", "leg … an"). */
export function theAcc(kind: KindLabel, name: string): string {
  const article = { m: 'den', f: 'die', n: 'das' }[kind.gender];
  return `${article} ${kind.label} ${q(name)}`;
}

/** "kein Deployment", "keinen Service", "keine ConfigMap" (accusative). */
export function none(kind: KindLabel): string {
  const article = { m: 'keinen', f: 'keine', n: 'kein' }[kind.gender];
  return `${article} ${kind.label}`;
}

/** "im Deployment ‚web‘", "in der ConfigMap ‚app‘" (dative). */
export function within(kind: KindLabel, name: string): string {
  const article = { m: 'im', f: 'in der', n: 'im' }[kind.gender];
  return `${article} ${kind.label} ${q(name)}`;
}

interface Named {
  metadata?: { name?: string; namespace?: string };
}

export interface MissingLookups {
  /** Objects of this kind in the namespace looked in. */
  inNamespace(): Promise<{ items: Named[] }>;
  /** Objects of this kind with this name in any namespace (fieldSelector metadata.name). */
  everywhere(): Promise<{ items: Named[] }>;
}

/**
 * The verdict for an object that does not exist, with the likeliest reason. Three
 * requests, in parallel, and only on this failure path.
 */
export async function missingObject(
  kube: KubeApi,
  kind: KindLabel,
  name: string,
  namespace: string,
  lookups: MissingLookups,
  createTip = `Leg ${kind.gender === 'f' ? 'sie' : kind.gender === 'm' ? 'ihn' : 'es'} an, z. B. mit „kubectl apply -f <datei>.yaml -n ${namespace}“.`,
): Promise<Verdict> {
  const [namespaceObject, here, everywhere] = await Promise.all([
    readOrUndefined(kube.core.readNamespace({ name: namespace })),
    lookups.inNamespace().catch(() => ({ items: [] as Named[] })),
    lookups.everywhere().catch(() => ({ items: [] as Named[] })),
  ]);
  const elsewhere = everywhere.items
    .map((item) => item.metadata?.namespace)
    .filter((ns): ns is string => ns !== undefined && ns !== namespace);
  const others = here.items
    .map((item) => item.metadata?.name)
    .filter((n): n is string => n !== undefined && !isClusterMade(n));
  const data = { kind: kind.label, name, namespace, namespaceExists: namespaceObject !== undefined, elsewhere, others };
  const hint = `Nachsehen: ${kubectl(`get ${kind.label.toLowerCase()}`, namespace)}`;

  if (!namespaceObject) {
    return fail(
      sentences(
        `Den Namespace ${q(namespace)} gibt es nicht, also auch ${none(kind)} ${q(name)} darin`,
        elsewhere.length > 0 && `${capitalize(theAcc(kind, name))} gibt es im Namespace ${someOf(elsewhere)}`,
        `Tipp: Leg den Namespace mit „kubectl create namespace ${namespace}“ an und dann ${theAcc(kind, name)} darin`,
      ),
      { data, hint: 'Nachsehen: kubectl get namespaces' },
    );
  }
  if (elsewhere.length > 0) {
    return fail(
      sentences(
        `${capitalize(theAcc(kind, name))} gibt es nicht im Namespace ${q(namespace)}, sondern im Namespace ${someOf(elsewhere)}`,
        others.length > 0 && `Im Namespace ${q(namespace)} gibt es nur: ${someOf(others)}`,
        `Tipp: Leg ${theAcc(kind, name)} im Namespace ${q(namespace)} an, z. B. mit „-n ${namespace}“ am kubectl-Befehl`,
      ),
      { data, hint },
    );
  }
  if (others.length > 0) {
    return fail(
      sentences(
        `${capitalize(theAcc(kind, name))} gibt es im Namespace ${q(namespace)} nicht`,
        `Dort gibt es nur: ${someOf(others)}`,
        `Tipp: Prüfe den Namen in deinem Manifest (metadata.name) oder ${createTip.charAt(0).toLowerCase()}${createTip.slice(1)}`,
      ),
      { data, hint },
    );
  }
  return fail(
    sentences(`Im Namespace ${q(namespace)} gibt es ${none(kind)} ${q(name)}`, `Tipp: ${createTip}`),
    { data, hint },
  );
}

/**
 * Objects Kubernetes or Helm put into every namespace or release, never a learner's
 * near miss: the CA bundle ConfigMap and Helm's release records.
 */
function isClusterMade(name: string): boolean {
  return name === 'kube-root-ca.crt' || name.startsWith('sh.helm.release.v1.');
}

/** fieldSelector for one name, for `everywhere()` lookups. */
export function byName(name: string): string {
  return `metadata.name=${name}`;
}

/** missingObject for a Pod the step names, with the Pod lookups. */
export function missingPod(kube: KubeApi, name: string, namespace: string): Promise<Verdict> {
  return missingObject(kube, kinds.Pod, name, namespace, {
    inNamespace: () => kube.core.listNamespacedPod({ namespace }),
    everywhere: () => kube.core.listPodForAllNamespaces({ fieldSelector: byName(name) }),
  });
}
