// The Pod spec behind a workload (Deployment, StatefulSet, DaemonSet or a bare Pod),
// for the checks that look at containers: Secrets, ConfigMaps, security, resources,
// probes. One request; three more only when the workload is missing.
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import type { CheckRunContext, Verdict } from './core.ts';
import { readOrUndefined } from './kube.ts';
import { byName, kinds, missingObject } from './missing.ts';
import type { WorkloadKind } from './params.ts';

export interface Workload {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  podSpec: V1PodSpec;
}

export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
  namespace?: string | undefined;
}

/** The workload, or a verdict saying why it cannot be found. */
export async function readWorkload(ctx: CheckRunContext, ref: WorkloadRef): Promise<Workload | Verdict> {
  const namespace = ref.namespace ?? ctx.namespace;
  const { kube } = ctx;
  const { name, kind } = ref;
  let podSpec: V1PodSpec | undefined;
  let exists: boolean;
  switch (kind) {
    case 'Deployment': {
      const object = await readOrUndefined(kube.apps.readNamespacedDeployment({ name, namespace }));
      exists = object !== undefined;
      podSpec = object?.spec?.template.spec;
      break;
    }
    case 'StatefulSet': {
      const object = await readOrUndefined(kube.apps.readNamespacedStatefulSet({ name, namespace }));
      exists = object !== undefined;
      podSpec = object?.spec?.template.spec;
      break;
    }
    case 'DaemonSet': {
      const object = await readOrUndefined(kube.apps.readNamespacedDaemonSet({ name, namespace }));
      exists = object !== undefined;
      podSpec = object?.spec?.template.spec;
      break;
    }
    case 'Pod': {
      const object = await readOrUndefined(kube.core.readNamespacedPod({ name, namespace }));
      exists = object !== undefined;
      podSpec = object?.spec;
      break;
    }
  }
  if (exists && podSpec) return { kind, name, namespace, podSpec };
  return missingObject(kube, kinds[kind], name, namespace, {
    inNamespace: () => listWorkloads(ctx, kind, namespace),
    everywhere: () => listWorkloads(ctx, kind, undefined, byName(name)),
  });
}

function listWorkloads(ctx: CheckRunContext, kind: WorkloadKind, namespace: string | undefined, fieldSelector?: string) {
  const { apps, core } = ctx.kube;
  if (namespace === undefined) {
    switch (kind) {
      case 'Deployment':
        return apps.listDeploymentForAllNamespaces({ fieldSelector });
      case 'StatefulSet':
        return apps.listStatefulSetForAllNamespaces({ fieldSelector });
      case 'DaemonSet':
        return apps.listDaemonSetForAllNamespaces({ fieldSelector });
      case 'Pod':
        return core.listPodForAllNamespaces({ fieldSelector });
    }
  }
  switch (kind) {
    case 'Deployment':
      return apps.listNamespacedDeployment({ namespace });
    case 'StatefulSet':
      return apps.listNamespacedStatefulSet({ namespace });
    case 'DaemonSet':
      return apps.listNamespacedDaemonSet({ namespace });
    case 'Pod':
      return core.listNamespacedPod({ namespace });
  }
}

export interface NamedContainer {
  container: V1Container;
  /** "init" for init containers (including sidecars), "main" otherwise. */
  role: 'main' | 'init';
}

/** Containers and init containers of a Pod spec. */
export function allContainers(spec: V1PodSpec, includeInit = true): NamedContainer[] {
  return [
    ...spec.containers.map((container) => ({ container, role: 'main' as const })),
    ...(includeInit ? (spec.initContainers ?? []).map((container) => ({ container, role: 'init' as const })) : []),
  ];
}

/** "Container ‚web‘" or "Init-Container ‚migrate‘". */
export function containerLabel({ container, role }: NamedContainer): string {
  return `${role === 'init' ? 'Init-Container' : 'Container'} ‚${container.name}‘`;
}
