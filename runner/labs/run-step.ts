// One "Prüfen": every check of a step, answered in the order the lab names them. They run
// side by side, so the learner sees everything that is missing at once; and once one has
// failed for good the others stop waiting for Kubernetes (the step cannot pass anyway),
// so a final answer comes at once instead of after another check's timeout.
import { executeCheck, findCheck, type AnyCheck, type CheckContext, type CheckResult } from '../../checks/index.ts';
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

/** Failed, and not because Kubernetes was still busy or the check was cut short. */
export function isFinalFailure(result: CheckResult): boolean {
  return !result.passed && result.timedOut !== true && result.stoppedWaiting !== true;
}

export async function runStep(lab: Lab, stepId: string, ctx: CheckContext): Promise<StepOutcome> {
  const step = lab.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new UnknownStepError(lab, stepId);
  return runChecks(
    step.checks.map((ref) => ({ check: findCheck(ref.check), params: ref.params })),
    ctx,
  );
}

export async function runChecks(checks: { check: AnyCheck; params: unknown }[], ctx: CheckContext): Promise<StepOutcome> {
  const settled = new AbortController();
  const stopWaiting = ctx.stopWaiting ? AbortSignal.any([ctx.stopWaiting, settled.signal]) : settled.signal;
  const results = await Promise.all(
    checks.map(async ({ check, params }) => {
      const result = await executeCheck(check, params, { ...ctx, stopWaiting });
      if (isFinalFailure(result)) settled.abort();
      return result;
    }),
  );
  return { passed: results.every((result) => result.passed), results };
}
