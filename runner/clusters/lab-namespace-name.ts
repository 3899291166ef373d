// The real name of a lab's namespace for one learner in a shared cluster (learner mode
// "namespace"): the learner's namespace and the lab's, so a learner sees at once which of
// theirs it is, and the same learner and lab always get the same name.
import { createHash } from 'node:crypto';

const MAX = 63;

/** `<learner namespace>-<lab namespace>`, a DNS-1123 label of at most 63 characters;
 * a name that would be longer keeps its start and gets a short hash of the whole. */
export function labNamespaceName(learnerNamespace: string, labNamespace: string): string {
  const full = `${learnerNamespace}-${labNamespace}`;
  if (full.length <= MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
