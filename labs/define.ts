// The lab format instructors write in `labs/<id>/lab.ts`:
//
//   export default defineLab({ id: 'speicher', title: …, lesson: 'speicher', steps: [
//     { id: 'pvc', title: …, hint: …, solution: 'solutions/pvc.sh',
//       checks: [{ check: 'pvc-bound', params: { name: 'notizen' } }] },
//   ] });
//
// The shape comes from the one lab schema (runner/labs/schema.ts), which validate.ts
// applies again at run time; here only `checks` is narrowed: `check` is one of the
// library's ids and `params` is typed by that check's schema, so an editor completes
// both and `tsc` rejects a typo.
import type { z } from 'zod';
import type { allChecks, CheckId } from '../checks/index.ts';
import type { labSchema, labSetupSchema, labStepSchema } from '../runner/labs/schema.ts';

/** One check of a step with its parameters, typed per check id. */
export type CheckRef = {
  [Id in CheckId]: { check: Id; params: z.input<(typeof allChecks)[Id]['params']> };
}[CheckId];

export type LabStep = Omit<z.input<typeof labStepSchema>, 'checks'> & { checks: readonly CheckRef[] };

export type LabSetup = z.input<typeof labSetupSchema>;

export type LabDefinition = Omit<z.input<typeof labSchema>, 'steps'> & { steps: readonly LabStep[] };

/** Declares a lab; the identity function, there for the types. */
export function defineLab<const Lab extends LabDefinition>(lab: Lab): Lab {
  return lab;
}
