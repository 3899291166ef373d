// The check library's front door: every check by id, for the lab format (which names
// checks by id and validates their parameters), the runner and the grader.
import { createRegistry, type AnyCheck } from './core.ts';
import { commandOutput } from './lib/command-output.ts';
import { configCurrent } from './lib/config-current.ts';
import { configData } from './lib/config-data.ts';
import { configMapUsed } from './lib/configmap-used.ts';
import { containerTerminated } from './lib/container-terminated.ts';
import { configValuesUsed } from './lib/config-values-used.ts';
import { deploymentAvailable } from './lib/deployment-available.ts';
import { driftHealed } from './lib/drift-healed.ts';
import { fluxPruned } from './lib/flux-pruned.ts';
import { fluxReady } from './lib/flux-ready.ts';
import { helmReleaseDeployed } from './lib/helm-release-deployed.ts';
import { hpaScaled } from './lib/hpa-scaled.ts';
import { httpRouteWeights } from './lib/httproute-weights.ts';
import { imageFromRegistry } from './lib/image-from-registry.ts';
import { imageLoaded } from './lib/image-loaded.ts';
import { ingressRoutes } from './lib/ingress-routes.ts';
import { jobSucceeded } from './lib/job-succeeded.ts';
import { metricsAvailable } from './lib/metrics-available.ts';
import { namespaceExists } from './lib/namespace-exists.ts';
import { objectsRemoved } from './lib/objects-removed.ts';
import { podSecurity } from './lib/pod-security.ts';
import { probesSet } from './lib/probes-set.ts';
import { pvcBound } from './lib/pvc-bound.ts';
import { pvcRebound } from './lib/pvc-rebound.ts';
import { rbacAllows } from './lib/rbac-allows.ts';
import { registrySecret } from './lib/registry-secret.ts';
import { resourcesSet } from './lib/resources-set.ts';
import { rolloutComplete } from './lib/rollout-complete.ts';
import { secretReferenced } from './lib/secret-referenced.ts';
import { serviceEndpoints } from './lib/service-endpoints.ts';
import { statefulSetReady } from './lib/statefulset-ready.ts';
import { trafficSplit } from './lib/traffic-split.ts';

export {
  CheckParamsError,
  DEFAULT_TIMEOUT_MS,
  UnknownCheckError,
  executeCheck,
  parseParams,
  type AnyCheck,
  type CheckContext,
  type CheckData,
  type CheckDefinition,
  type CheckResult,
  type NodeImages,
  type NodeRuntime,
} from './core.ts';

// createRegistry refuses duplicate ids, so a copy-pasted id fails at import time.
const registry = createRegistry([
  commandOutput,
  configCurrent,
  configData,
  configMapUsed,
  containerTerminated,
  configValuesUsed,
  deploymentAvailable,
  driftHealed,
  fluxPruned,
  fluxReady,
  helmReleaseDeployed,
  hpaScaled,
  httpRouteWeights,
  imageFromRegistry,
  imageLoaded,
  ingressRoutes,
  jobSucceeded,
  metricsAvailable,
  namespaceExists,
  objectsRemoved,
  podSecurity,
  probesSet,
  pvcBound,
  pvcRebound,
  rbacAllows,
  registrySecret,
  resourcesSet,
  rolloutComplete,
  secretReferenced,
  serviceEndpoints,
  statefulSetReady,
  trafficSplit,
]);

type Registered = typeof registry.checks;

/** Every check of the library, keyed by its id (typed: `allChecks['pvc-bound'].params`). */
export const allChecks: Readonly<Registered> = Object.freeze(registry.checks);

export type CheckId = keyof Registered & string;

/** All check ids, sorted. */
export const checkIds: readonly CheckId[] = Object.freeze([...registry.ids]);

/** The check with this id; throws UnknownCheckError (naming the known ids) otherwise. */
export function findCheck(id: string): AnyCheck {
  return registry.get(id);
}

export function isCheckId(id: string): id is CheckId {
  return registry.has(id);
}
