// Rollout complete at a given image: the Pod template names the image, every replica
// is updated and available, and no Pod of an older ReplicaSet is left.
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, notYet, pass, type CheckRunContext } from '../core.ts';
import { count, kubectl, q, quotedList, sentences } from '../format.ts';
import { imageRepository, sameImage, shortImage } from '../images.ts';
import { containerName, imageReference, inNamespace, objectName } from '../params.ts';
import { explainPodProblems, podProblem } from '../pods.ts';
import { matchesSelector } from '../selectors.ts';
import { readDeployment } from './deployment-available.ts';

export const rolloutComplete = defineCheck({
  id: 'rollout-complete',
  title: 'Rollout mit einem bestimmten Image abgeschlossen',
  params: z.strictObject({
    name: objectName,
    /** The image the rollout should have reached, e.g. "nginx:1.27-alpine". */
    image: imageReference,
    /** Which container; by default the one running this image's repository. */
    container: containerName.optional(),
    /** A broken image the learner tried and rolled back from (`kubectl rollout undo`). */
    rolledBackFrom: imageReference.optional(),
    namespace: inNamespace,
  }),
  async run({ name, image, container: containerParam, rolledBackFrom, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const [deployment, podList] = await Promise.all([
      readDeployment(ctx, name, namespace),
      ctx.kube.core.listNamespacedPod({ namespace }),
    ]);
    if (isVerdict(deployment)) return deployment;
    const hint = `Nachsehen: ${kubectl(`rollout status deployment/${name}`, namespace)}`;
    const containers = deployment.spec?.template.spec?.containers ?? [];
    const container = pickContainer(containers, image, containerParam);
    if (!container) {
      return fail(
        sentences(
          `Im Deployment ${q(name)} gibt es keinen Container ${q(containerParam ?? '')}`,
          `Vorhanden: ${quotedList(containers.map((c) => c.name))}`,
        ),
        { data: { name, namespace, containers: containers.map((c) => c.name) }, hint },
      );
    }
    const templateImage = container.image ?? '';
    const want = shortImage(image);
    if (!sameImage(image, templateImage)) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} verwendet im Container ${q(container.name)} das Image ${q(templateImage)}, erwartet ist ${q(want)}`,
          `Tipp: ${kubectl(`set image deployment/${name} ${container.name}=${want}`, namespace)} – oder ändere das Image im Manifest und wende es erneut an`,
        ),
        { data: { name, namespace, container: container.name, templateImage, expectedImage: image }, hint },
      );
    }

    const replicas = deployment.spec?.replicas ?? 1;
    const status = deployment.status ?? {};
    const pods = podList.items.filter((pod) => matchesSelector(deployment.spec?.selector, pod.metadata?.labels));
    const imageOf = (podContainers: V1Container[]) => podContainers.find((c) => c.name === container.name)?.image ?? '';
    const oldPods = pods.filter((pod) => !sameImage(image, imageOf(pod.spec?.containers ?? [])));
    const oldImages = [...new Set(oldPods.map((pod) => imageOf(pod.spec?.containers ?? [])))];
    const data = {
      name,
      namespace,
      container: container.name,
      image: templateImage,
      replicas,
      updated: status.updatedReplicas ?? 0,
      available: status.availableReplicas ?? 0,
      total: status.replicas ?? 0,
      oldPods: oldPods.map((pod) => pod.metadata?.name),
      oldImages,
    };
    const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
    const complete =
      observed &&
      data.updated >= replicas &&
      data.available >= replicas &&
      data.total === data.updated &&
      oldPods.length === 0;
    if (complete && rolledBackFrom !== undefined) {
      const tried = await triedImage(ctx, deployment, container.name, rolledBackFrom, namespace);
      if (!tried) {
        return fail(
          sentences(
            `Der Rollout von ${q(name)} ist bei ${q(want)}, aber ${q(shortImage(rolledBackFrom))} wurde noch nicht ausgerollt`,
            `Tipp: Rolle erst ${q(shortImage(rolledBackFrom))} aus (${kubectl(`set image deployment/${name} ${container.name}=${shortImage(rolledBackFrom)}`, namespace)}) und danach mit ${kubectl(`rollout undo deployment/${name}`, namespace)} zurück`,
          ),
          { data: { ...data, rolledBackFrom }, hint },
        );
      }
    }
    if (complete) {
      return pass(
        `Der Rollout von ${q(name)} ist abgeschlossen: ${replicas === 1 ? 'die Replika läuft' : `alle ${replicas} Replikas laufen`} mit ${q(want)}.`,
        data,
      );
    }

    if (deployment.spec?.paused) {
      return fail(
        sentences(
          `Der Rollout von ${q(name)} ist pausiert (${data.updated} von ${count(replicas, 'Replika', 'Replikas')} aktualisiert)`,
          `Tipp: ${kubectl(`rollout resume deployment/${name}`, namespace)}`,
        ),
        { data, hint },
      );
    }
    const newPods = pods.filter((pod) => !oldPods.includes(pod) && !pod.metadata?.deletionTimestamp);
    const explanation = explainPodProblems(newPods.map((pod) => podProblem(pod)).filter((p) => p !== undefined), namespace);
    if (explanation) {
      return fail(sentences(`Der Rollout von ${q(name)} auf ${q(want)} hängt`, explanation), { data, hint });
    }
    const stalled = status.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    if (stalled) {
      return fail(
        sentences(
          `Der Rollout von ${q(name)} auf ${q(want)} kommt nicht voran (ProgressDeadlineExceeded)`,
          `Tipp: ${kubectl(`describe deployment ${name}`, namespace)} und die Events der neuen Pods zeigen, woran es hängt`,
        ),
        { data, hint },
      );
    }
    return notYet(
      sentences(
        `Der Rollout von ${q(name)} auf ${q(want)} läuft noch: ${data.updated} von ${count(replicas, 'Replika', 'Replikas')} aktualisiert, ${data.available} verfügbar`,
        oldPods.length > 0 &&
          `Es ${oldPods.length === 1 ? 'läuft' : 'laufen'} noch ${count(oldPods.length, 'Pod', 'Pods')} mit dem alten Image ${quotedList(oldImages)}`,
      ),
      { data, hint },
    );
  },
});

function pickContainer(containers: V1Container[], image: string, name: string | undefined): V1Container | undefined {
  if (name !== undefined) return containers.find((c) => c.name === name);
  const repository = imageRepository(image);
  return containers.find((c) => c.image !== undefined && imageRepository(c.image) === repository) ?? containers[0];
}

/** Whether one of the Deployment's ReplicaSets ever ran this image (the rollout history). */
async function triedImage(ctx: CheckRunContext, deployment: V1Deployment, container: string, image: string, namespace: string): Promise<boolean> {
  const sets = await ctx.kube.apps.listNamespacedReplicaSet({ namespace });
  const uid = deployment.metadata?.uid;
  return sets.items
    .filter((set) => set.metadata?.ownerReferences?.some((owner) => owner.uid === uid))
    .some((set) => sameImage(image, set.spec?.template?.spec?.containers.find((c) => c.name === container)?.image ?? ''));
}
