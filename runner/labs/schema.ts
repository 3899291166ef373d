// The one description of a lab: this schema checks what a lab.ts module really exported
// (it may be plain JS, or compiled with errors ignored), and labs/define.ts derives the
// types instructors write against from it, so the two cannot drift apart.
import { z } from 'zod';

const kebab = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'muss kebab-case sein, z. B. "pvc-anlegen"');
const relativePath = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith('/') && !path.split('/').includes('..'), 'muss ein Pfad innerhalb des Lab-Verzeichnisses sein');

export const checkRefSchema = z.strictObject({
  /** One of the check library's ids (checks/index.ts). */
  check: z.string().min(1),
  /** Typed per check in labs/define.ts; validated against the check's schema by validate.ts. */
  params: z.record(z.string(), z.unknown()).default({}),
});

export const labStepSchema = z.strictObject({
  /** Stable id (kebab-case); lessons mark the step with `{/* lab: <lab> step: <id> *\/}`. */
  id: kebab,
  /** German, short: what the learner makes in this step. */
  title: z.string().min(1),
  /** All must pass for the step to count as done. */
  checks: z.array(checkRefSchema).min(1, 'Jeder Schritt braucht mindestens eine Prüfung'),
  /** German help shown on request, before the solution. */
  hint: z.string().min(1, 'Jeder Schritt braucht einen Hinweis'),
  /** Shell script relative to the lab directory; the learner may reveal it, `lab test` runs it. */
  solution: relativePath,
  /** Only for a step that needs more than its lab: "cluster" in a lab that otherwise
   * works in a namespace of its own (see the lab's `needs`). */
  needs: z.literal('cluster').optional(),
});

/** The lab's starting state. Every new learner cluster gets it before it is handed out
 * (alongside every other lab's, so keep to the lab's namespace), and `lab test` applies
 * it before the first step. */
export const labSetupSchema = z.strictObject({
  /** YAML files (relative to the lab directory) applied with kubectl. */
  manifests: z.array(relativePath).optional(),
  /** Shell script run after the manifests, in the lab's working directory with its files,
   * KUBECONFIG set (and KIND_CLUSTER_NAME on kind). */
  script: relativePath.optional(),
});

export const labSchema = z.strictObject({
  /** Kebab-case, equal to the directory name. */
  id: kebab,
  title: z.string().min(1),
  /** Slug of the lesson that holds the lab (lessons/<slug>.mdx). */
  lesson: kebab,
  /** The namespace the learner works in (created by the first step or the setup); checks
   * look there unless their parameters name another. Default: "default". */
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'muss ein gültiger Namespace-Name sein')
    .default('default'),
  /** What the lab needs to work, decided by its author (no default): "namespace" when
   * every step works in one restricted namespace of the learner's (Pod Security
   * "restricted", a quota, no rights outside it: learner mode "namespace" of the Helm
   * chart); "cluster" when it makes cluster-wide objects (namespaces, volumes, classes,
   * cluster roles, CRDs), loads images into nodes, uses Docker, needs the nodes, installs
   * add-ons, or runs pods Pod Security "restricted" refuses. `lab validate` checks a
   * "namespace" lab's files and solutions for what would need the cluster. */
  needs: z.enum(['namespace', 'cluster'], 'muss "namespace" oder "cluster" sein: braucht das Lab einen eigenen Cluster?'),
  steps: z
    .array(labStepSchema)
    .min(1, 'Ein Lab braucht mindestens einen Schritt')
    .refine((steps) => new Set(steps.map((step) => step.id)).size === steps.length, 'Schritt-IDs müssen eindeutig sein'),
  setup: labSetupSchema.optional(),
  /** Files (relative to the lab directory) copied into the learner's working directory. */
  files: z.array(relativePath).optional(),
});

export type Lab = z.output<typeof labSchema>;
export type LabStep = Lab['steps'][number];
export type LabNeeds = Lab['needs'];

/** What one step needs: its own "cluster", else its lab's. */
export function stepNeeds(lab: Pick<Lab, 'needs'>, step: Pick<LabStep, 'needs'>): LabNeeds {
  return step.needs ?? lab.needs;
}
