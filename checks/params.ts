// Parameter schemas shared by the checks, with German messages for lab authors.
import { z } from 'zod';
import { isQuantity } from './quantity.ts';

/** A Kubernetes object name (DNS subdomain: lower case, digits, "-" and "."). */
export const objectName = z
  .string()
  .min(1, 'darf nicht leer sein')
  .max(253, 'ist länger als 253 Zeichen')
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'ist kein gültiger Kubernetes-Name (nur a-z, 0-9, „-“ und „.“)');

/** A namespace name (DNS label). */
export const namespaceName = z
  .string()
  .min(1, 'darf nicht leer sein')
  .max(63, 'ist länger als 63 Zeichen')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'ist kein gültiger Namespace-Name (nur a-z, 0-9 und „-“)');

/** The namespace to look in; the learner's namespace from the context when absent. */
export const inNamespace = namespaceName.optional();

/** A container name (DNS label). */
export const containerName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'ist kein gültiger Container-Name');

export const imageReference = z
  .string()
  .min(1, 'darf nicht leer sein')
  .regex(/^[^\s]+$/, 'darf keine Leerzeichen enthalten');

export const quantity = z.string().refine(isQuantity, 'ist keine Kubernetes-Mengenangabe wie „1Gi“ oder „500m“');

export const replicaCount = z.number().int('muss eine ganze Zahl sein').min(0, 'darf nicht negativ sein');

/** Workloads whose Pod template the container-level checks read. */
export const workloadKind = z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']).default('Deployment');
export type WorkloadKind = z.output<typeof workloadKind>;

/** The parameters every check on a workload's Pod template takes. */
export const workloadParams = {
  kind: workloadKind,
  name: objectName,
  namespace: inNamespace,
};
