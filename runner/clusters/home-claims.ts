// Learners' homes on claims of their own in the chart's sessions namespace, for both
// learner modes in a cluster: the session pod (namespace mode) and the sandbox pod
// (sandbox mode) mount the learner's claim as their home. A claim is made with the
// learner's first pod and never deleted with a pod: a reset, the idle deletion and a
// lost pod keep it, as the home on one host outlives every sandbox. Claims of another
// runner's data dir go when this runner starts, as homes on one host go with theirs.
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { isNotFound } from '../../checks/kube.ts';
import { createFailed } from './errors.ts';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import { HOME_LABEL, homeClaim, homeClaimName, homeKey, type SessionPodSettings } from './session-pod.ts';

export interface HomeClaimRef {
  name: string;
  key: string;
}

export interface HomeClaimsOptions {
  core: CoreV1Api;
  /** The sessions namespace, where the learners' pods and their claims live. */
  namespace: string;
  /** The chart's `learners.home`; null: homes live in the pods. */
  home: SessionPodSettings['home'];
  log: (message: string) => void;
}

export class HomeClaims {
  private readonly options: HomeClaimsOptions;
  private foreignSwept: Promise<void> | null = null;

  constructor(options: HomeClaimsOptions) {
    this.options = options;
  }

  /** Homes on claims at all (the chart gives them a size). */
  get enabled(): boolean {
    return this.options.home !== null;
  }

  /** The claim for the learner whose home (the runner's side) this is, or null: no
   * learner yet (a pool pod), or homes in the pods. */
  claimFor(home: string | undefined): HomeClaimRef | null {
    if (!home || !this.enabled) return null;
    const key = homeKey(home);
    return { name: homeClaimName(key), key };
  }

  /** The learner's claim, made once: it is there already after a reset or a lost pod. */
  async ensure(claim: HomeClaimRef, owner: string): Promise<void> {
    const { core, namespace, home } = this.options;
    try {
      await core.createNamespacedPersistentVolumeClaim({ namespace, body: homeClaim(claim.key, owner, home!) });
      return;
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    }
    const existing = await core.readNamespacedPersistentVolumeClaim({ name: claim.name, namespace });
    // Another runner's data dir made it: never mount a stranger's home.
    if (existing.metadata?.labels?.[RUNNER_LABEL] !== owner || existing.metadata?.deletionTimestamp) {
      throw createFailed(`Das Home-Volume ${claim.name} gehört nicht zu dieser Werkbank oder wird gerade gelöscht. Versuche es in einer Minute noch einmal; hilft das nicht, sag deinen Lehrenden Bescheid.`);
    }
  }

  /** Home claims another runner id made in the sessions namespace: their data dir (with
   * the learner secret their names come from) is gone, so no learner can reach them
   * again. Once per runner process (a failure is logged and tried at the next call). */
  removeForeignOnce(owner: string): Promise<void> {
    this.foreignSwept ??= this.removeForeign(owner).catch((error: unknown) => {
      this.foreignSwept = null;
      this.options.log(`Home-Volumes fremder Datenverzeichnisse ließen sich nicht löschen: ${String(error)}`);
    });
    return this.foreignSwept;
  }

  private async removeForeign(owner: string): Promise<void> {
    const { core, namespace, log } = this.options;
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: `${HOME_LABEL},${RUNNER_LABEL}!=${owner}` });
    for (const claim of claims.items) {
      const name = claim.metadata?.name;
      if (!name) continue;
      log(`Home-Volume ${name} gehört zu einem anderen Datenverzeichnis und wird gelöscht`);
      await core.deleteNamespacedPersistentVolumeClaim({ name, namespace }).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }
}
