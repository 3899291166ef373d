// The learner's progress page: fills each lab's section from the runner.
import { allProgress, attemptsText, passedCount, type StepProgressView } from './api.ts';

function stepLine(step: StepProgressView): string {
  const state = step.passed ? '✓ geschafft' : step.attempts > 0 ? 'noch offen' : 'noch nicht geprüft';
  const details = [state];
  if (step.attempts > 0) details.push(attemptsText(step.attempts));
  if (step.solutionRevealed) details.push('Lösung angesehen');
  else if (step.hintRevealed) details.push('Hinweis angesehen');
  return `${step.title}: ${details.join(', ')}`;
}

export async function mountLearnerProgress(root: ParentNode = document): Promise<void> {
  const status = root.querySelector<HTMLElement>('.wb-progress-status');
  const result = await allProgress();
  if (!result.ok) {
    if (status) status.textContent = result.failure.message;
    return;
  }
  const byLab = new Map(result.value.map((lab) => [lab.lab, lab]));
  let started = 0;
  for (const section of root.querySelectorAll<HTMLElement>('.wb-progress-lab[data-lab]')) {
    const lab = byLab.get(section.dataset.lab ?? '');
    if (!lab) continue;
    const summary = section.querySelector<HTMLElement>('.wb-progress-summary');
    const list = section.querySelector<HTMLOListElement>('.wb-progress-steps');
    const done = passedCount(lab);
    const tried = lab.steps.some((step) => step.attempts > 0 || step.passed);
    if (tried) started += 1;
    section.dataset.complete = String(done === lab.steps.length && done > 0);
    if (summary) {
      summary.textContent = tried
        ? `${lab.title}: ${done} von ${lab.steps.length} Schritten geschafft.`
        : `${lab.title}: noch nicht begonnen (${lab.steps.length} Schritte).`;
    }
    list?.replaceChildren(
      ...lab.steps.map((step) => {
        const item = document.createElement('li');
        item.dataset.passed = String(step.passed);
        item.textContent = stepLine(step);
        return item;
      }),
    );
  }
  if (status) {
    status.textContent =
      started === 0 ? 'Du hast noch keine Übung geprüft. Fang mit einer Lektion an!' : `Begonnene Übungen: ${started}.`;
  }
}
