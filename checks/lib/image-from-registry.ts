// A Deployment that runs its image from a private registry with a pull secret: the image
// names that registry, the secret reaches the pods (imagePullSecrets in the template or
// through the ServiceAccount), and the pods are available. When the registry refuses
// the pull, the message says why in registry terms (401, unknown image, unreachable)
// instead of the generic "image not found".
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass, type Verdict } from '../core.ts';
import { count, kubectl, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { inNamespace, objectName } from '../params.ts';
import { ownedByDeployment, podProblem, type PodProblem } from '../pods.ts';
import { imageRegistry, normalizeRegistry, registryHost } from '../registry.ts';
import { matchesSelector } from '../selectors.ts';
import { readDeployment, whyNotAvailable } from './deployment-available.ts';

/** How the registry refused, read from the kubelet's pull error. */
function refusal(message: string): 'unauthorized' | 'not-found' | 'unreachable' | undefined {
  if (/401 Unauthorized|unauthorized|authorization failed|no basic auth credentials/i.test(message)) return 'unauthorized';
  if (/not found|manifest unknown|404/i.test(message)) return 'not-found';
  if (/connection refused|no such host|i\/o timeout|dial tcp/i.test(message)) return 'unreachable';
  return undefined;
}

export const imageFromRegistry = defineCheck({
  id: 'image-from-registry',
  title: 'Deployment läuft mit einem Image aus der privaten Registry',
  params: z.strictObject({
    /** The Deployment. */
    name: objectName,
    /** The registry its image must come from, e.g. "localhost:5000". */
    registry: registryHost,
    /** The pull secret the pods must get. */
    secret: objectName,
    /** Where the pods get the secret from: the pod template's imagePullSecrets, the
     * ServiceAccount's (and then not the template's), or either when absent. */
    via: z.enum(['pod', 'serviceAccount']).optional(),
    namespace: inNamespace,
  }),
  timeoutMs: 20_000,
  async run({ name, registry, secret, via, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const deployment = await readDeployment(ctx, name, namespace);
    if (isVerdict(deployment)) return deployment;
    const podSpec = deployment.spec?.template.spec;
    const images = (podSpec?.containers ?? []).map((container) => container.image ?? '');
    const wanted = normalizeRegistry(registry);
    const fromRegistry = images.filter((image) => imageRegistry(image) === wanted);
    const accountName = podSpec?.serviceAccountName || 'default';
    const data: Record<string, unknown> = { name, namespace, registry, secret, images, serviceAccount: accountName };
    const hint = `Nachsehen: ${kubectl(`get deployment ${name} -o yaml`, namespace)}`;
    if (fromRegistry.length === 0) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} startet ${quotedList(images)} – ${images.length === 1 ? 'kein Image' : 'keines davon'} aus der Registry ${q(registry)}`,
          `Tipp: Der Name des Images beginnt mit der Registry, z. B. „image: ${registry}/${name}:1.0“; ohne sie zieht die Runtime von Docker Hub`,
        ),
        { data, hint },
      );
    }

    const [account, pullSecret, pods] = await Promise.all([
      readOrUndefined(ctx.kube.core.readNamespacedServiceAccount({ name: accountName, namespace })),
      readOrUndefined(ctx.kube.core.readNamespacedSecret({ name: secret, namespace })),
      ctx.kube.core.listNamespacedPod({ namespace }),
    ]);
    const inTemplate = (podSpec?.imagePullSecrets ?? []).some((ref) => ref.name === secret);
    const inAccount = (account?.imagePullSecrets ?? []).some((ref) => ref.name === secret);
    const ownPods = pods.items.filter(
      (pod) =>
        !pod.metadata?.deletionTimestamp &&
        ownedByDeployment(pod, name) &&
        matchesSelector(deployment.spec?.selector, pod.metadata?.labels),
    );
    const refused = ownPods
      .map((pod) => ({ pod, problem: podProblem(pod) }))
      .filter((item): item is { pod: V1Pod; problem: PodProblem } => item.problem?.kind === 'image');
    Object.assign(data, { inTemplate, inAccount, refused: refused.map(({ problem }) => problem) });
    const patchAccount = `„${kubectl(`patch serviceaccount ${accountName} -p '{"imagePullSecrets":[{"name":"${secret}"}]}'`, namespace)}“`;
    const firstRefused = refused[0];
    const registrySays = firstRefused && refusal(firstRefused.problem.reason + ' ' + podMessage(firstRefused.pod)) === 'unauthorized'
      ? `Darum weist die Registry ${refused.length === 1 ? `den Pod ${q(firstRefused.problem.pod)}` : count(refused.length, 'Pod', 'Pods')} mit „401 Unauthorized“ ab (${firstRefused.problem.reason})`
      : undefined;

    if (!inTemplate && !inAccount) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} zieht ${q(fromRegistry[0]!)} ohne Zugangsdaten: Weder sein Pod-Template (imagePullSecrets) noch der ServiceAccount ${q(accountName)} nennen das Secret ${q(secret)}`,
          registrySays,
          via === 'serviceAccount'
            ? `Tipp: Gib es dem ServiceAccount mit ${patchAccount}`
            : `Tipp: Ergänze im Pod-Template „imagePullSecrets: - name: ${secret}“`,
        ),
        { data, hint },
      );
    }
    if (via === 'serviceAccount' && !inAccount) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} nennt das Secret ${q(secret)} selbst; in diesem Schritt soll es vom ServiceAccount ${q(accountName)} kommen`,
          `Tipp: ${patchAccount}, dann imagePullSecrets aus dem Deployment nehmen`,
        ),
        { data, hint },
      );
    }
    if (via === 'serviceAccount' && inTemplate) {
      return fail(
        sentences(
          `Der ServiceAccount ${q(accountName)} hat das Secret ${q(secret)}, aber das Deployment ${q(name)} nennt es zusätzlich selbst – so zeigt sich nicht, dass der ServiceAccount genügt`,
          'Tipp: Nimm „imagePullSecrets“ aus dem Pod-Template des Deployments heraus',
        ),
        { data, hint },
      );
    }
    if (via === 'pod' && !inTemplate) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} bekommt das Secret ${q(secret)} nur über den ServiceAccount ${q(accountName)}; in diesem Schritt soll es im Pod-Template stehen`,
          `Tipp: Ergänze im Pod-Template „imagePullSecrets: - name: ${secret}“`,
        ),
        { data, hint },
      );
    }
    if (!pullSecret) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} verweist auf das Secret ${q(secret)}, aber das gibt es im Namespace ${q(namespace)} nicht – das kubelet zieht dann ohne Zugangsdaten`,
          `Tipp: „${kubectl(`create secret docker-registry ${secret} --docker-server=${registry} --docker-username=… --docker-password=…`, namespace)}“`,
        ),
        { data, hint: `Nachsehen: ${kubectl('get secrets', namespace)}` },
      );
    }

    if (firstRefused) {
      const verdict = explainRefusal(firstRefused.pod, firstRefused.problem, { name, registry, secret, namespace, accountName }, data);
      if (verdict) return verdict;
    }

    const wantedReplicas = deployment.spec?.replicas ?? 1;
    const status = deployment.status ?? {};
    const available = status.availableReplicas ?? 0;
    const current = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
    if (current && available >= wantedReplicas && (status.updatedReplicas ?? 0) >= wantedReplicas) {
      const route = inTemplate ? 'über imagePullSecrets im Pod-Template' : `über den ServiceAccount ${q(accountName)}`;
      return pass(
        `Das Deployment ${q(name)} läuft mit ${q(fromRegistry[0]!)} aus der Registry ${q(registry)}; die Zugangsdaten kommen aus dem Secret ${q(secret)} (${route}).`,
        data,
      );
    }
    return whyNotAvailable(ctx, deployment, namespace, data, `${available} von ${count(wantedReplicas, 'Replika', 'Replikas')}`);
  },
});

/** The kubelet's pull error as it stands in the pod's status. */
function podMessage(pod: V1Pod): string {
  return (pod.status?.containerStatuses ?? []).map((status) => status.state?.waiting?.message ?? '').join(' ');
}

function explainRefusal(
  pod: V1Pod,
  problem: PodProblem,
  where: { name: string; registry: string; secret: string; namespace: string; accountName: string },
  data: Record<string, unknown>,
): Verdict | undefined {
  const { name, registry, secret, namespace, accountName } = where;
  const podName = problem.pod;
  const image = problem.detail;
  const hint = `Nachsehen: ${kubectl(`describe pod ${podName}`, namespace)} (Events)`;
  const restart = `„${kubectl(`rollout restart deployment ${name}`, namespace)}“`;
  switch (refusal(`${problem.reason} ${podMessage(pod)}`)) {
    case 'unauthorized': {
      const podHasSecret = (pod.spec?.imagePullSecrets ?? []).some((ref) => ref.name === secret);
      if (!podHasSecret) {
        return fail(
          sentences(
            `Der Pod ${q(podName)} bekommt ${q(image)} nicht: Die Registry antwortet „401 Unauthorized“ (${problem.reason}), denn er ist älter als das imagePullSecret ${q(secret)} – der ServiceAccount ${q(accountName)} gibt es nur Pods mit, die danach entstehen`,
            `Tipp: Starte die Pods neu: ${restart}`,
          ),
          { data, hint },
        );
      }
      return fail(
        sentences(
          `Der Pod ${q(podName)} bekommt ${q(image)} nicht: Die Registry ${q(registry)} lehnt die Zugangsdaten aus dem Secret ${q(secret)} ab („401 Unauthorized“, ${problem.reason})`,
          'Benutzername oder Passwort stimmen nicht mit der htpasswd-Datei der Registry überein',
          `Tipp: Leg das Secret mit den Daten neu an, mit denen „docker login ${registry}“ klappt, dann ${restart}`,
        ),
        { data, hint },
      );
    }
    case 'not-found':
      return fail(
        sentences(
          `Der Pod ${q(podName)} bekommt ${q(image)} nicht: Die Registry ${q(registry)} kennt dieses Image nicht (${problem.reason})`,
          `Tipp: Prüf Name und Tag oder push es erst: „docker push ${image}“`,
        ),
        { data, hint },
      );
    case 'unreachable':
      return fail(
        sentences(
          `Der Pod ${q(podName)} bekommt ${q(image)} nicht: Die Registry ${q(registry)} ist nicht erreichbar (${problem.reason})`,
          'Tipp: Läuft die Registry, und stimmen Host und Port im Namen des Images? Der Node fragt unter genau diesem Namen',
        ),
        { data, hint },
      );
    default:
      return undefined;
  }
}
