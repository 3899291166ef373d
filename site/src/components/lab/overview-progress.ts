// The course overview: per lesson card, how far this learner got in the lesson's lab.
import { allProgress, passedCount } from './api.ts';

export async function mountOverviewProgress(root: ParentNode = document): Promise<void> {
  const slots = [...root.querySelectorAll<HTMLElement>('.wb-lesson-progress[data-labs]')];
  if (slots.length === 0) return;
  const result = await allProgress();
  if (!result.ok) return; // the overview works without progress: nothing to say then
  const byLab = new Map(result.value.map((lab) => [lab.lab, lab]));
  for (const slot of slots) {
    const labs = (slot.dataset.labs ?? '').split(' ').flatMap((id) => byLab.get(id) ?? []);
    const tried = labs.some((lab) => lab.steps.some((step) => step.attempts > 0 || step.passed));
    if (!tried) continue;
    const total = labs.reduce((sum, lab) => sum + lab.steps.length, 0);
    const done = labs.reduce((sum, lab) => sum + passedCount(lab), 0);
    slot.dataset.state = done === total ? 'done' : 'open';
    slot.textContent = done === total ? `✓ Übung geschafft (${total} von ${total} Schritten)` : `Übung: ${done} von ${total} Schritten geschafft`;
  }
}
