// The lab format instructors write in `labs/<id>/lab.ts`:
//
//   export default defineLab({ id: 'speicher', title: …, lesson: 'speicher', steps: [
//     { id: 'pvc', title: …, hint: …, solution: 'solutions/pvc.sh',
//       checks: [{ check: 'pvc-bound', params: { name: 'notizen' } }] },
//   ] });
//
// `check` is one of the library's ids and `params` is typed by that check's schema, so
// an editor completes both and `tsc` rejects a typo; runner/labs/validate.ts checks the
// same again (and the files) when the site builds and in `werkbank lab validate`.
import type { z } from 'zod';
import type { allChecks, CheckId } from '../checks/index.ts';

/** One check of a step with its parameters, typed per check id. */
export type CheckRef = {
  [Id in CheckId]: { check: Id; params: z.input<(typeof allChecks)[Id]['params']> };
}[CheckId];

export interface LabStep {
  /** Stable id (kebab-case); lessons mark the step with `{/* lab: <lab> step: <id> *\/}`. */
  id: string;
  /** German, short: what the learner makes in this step. */
  title: string;
  /** All must pass for the step to count as done. */
  checks: readonly CheckRef[];
  /** German help shown on request, before the solution. */
  hint: string;
  /** Shell script relative to the lab directory; the learner may reveal it, `lab test` runs it. */
  solution: string;
}

/** The lab's starting state. Every new learner cluster gets it before it is handed out
 * (alongside every other lab's, so keep to the lab's namespace), and `lab test` applies
 * it before the first step. */
export interface LabSetup {
  /** YAML files (relative to the lab directory) applied with kubectl. */
  manifests?: readonly string[];
  /** Shell script run after the manifests, in the lab's working directory with its files,
   * KUBECONFIG set (and KIND_CLUSTER_NAME on kind). */
  script?: string;
}

export interface LabDefinition {
  /** Kebab-case, equal to the directory name. */
  id: string;
  title: string;
  /** Slug of the lesson that holds the lab (lessons/<slug>.mdx). */
  lesson: string;
  /** The namespace the learner works in (created by the first step or the setup); checks
   * look there unless their parameters name another. Default: "default". */
  namespace?: string;
  steps: readonly LabStep[];
  setup?: LabSetup;
  /** Files (relative to the lab directory) copied into the learner's working directory. */
  files?: readonly string[];
}

/** Declares a lab; the identity function, there for the types. */
export function defineLab<const Lab extends LabDefinition>(lab: Lab): Lab {
  return lab;
}
