// One "Prüfen": every check of a step, in the order the lab names them. All run, even
// after a failure, so the learner sees everything that is still missing at once.
import { executeCheck, findCheck, type CheckContext, type CheckResult } from '../../checks/index.ts';
import type { Lab } from './schema.ts';

export interface StepOutcome {
  passed: boolean;
  results: CheckResult[];
}

export class UnknownStepError extends Error {
  constructor(lab: Lab, stepId: string) {
    super(`Das Lab ${lab.id} hat keinen Schritt ${stepId} (es hat: ${lab.steps.map((step) => step.id).join(', ')}).`);
    this.name = 'UnknownStepError';
  }
}

export async function runStep(lab: Lab, stepId: string, ctx: CheckContext): Promise<StepOutcome> {
  const step = lab.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new UnknownStepError(lab, stepId);
  const results: CheckResult[] = [];
  for (const ref of step.checks) results.push(await executeCheck(findCheck(ref.check), ref.params, ctx));
  return { passed: results.every((result) => result.passed), results };
}
