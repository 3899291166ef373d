// Progress as the pages show it: every step of a lab in the lab's order (also those the
// learner has not touched yet), and for instructors one matrix of learners × labs × steps.
import { createHash } from 'node:crypto';
import type { Lab } from '../labs/schema.ts';
import type { StepRecord } from './store.ts';

export interface CheckResultView {
  checkId: string;
  passed: boolean;
  message: string;
  hint?: string;
}

export interface StepProgressView {
  id: string;
  title: string;
  passed: boolean;
  attempts: number;
  /** ISO times, null when it has not happened yet. */
  lastCheckedAt: string | null;
  passedAt: string | null;
  hintRevealed: boolean;
  solutionRevealed: boolean;
  lastResults?: CheckResultView[];
}

export interface LabProgressView {
  lab: string;
  title: string;
  steps: StepProgressView[];
}

export interface ClassStepCell {
  id: string;
  passed: boolean;
  attempts: number;
  hintRevealed: boolean;
  solutionRevealed: boolean;
  lastCheckedAt: string | null;
}

export interface ClassMatrixView {
  labs: { lab: string; title: string; steps: { id: string; title: string }[] }[];
  learners: { learner: string; labs: { lab: string; steps: ClassStepCell[] }[] }[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function labProgressView(lab: Lab, records: StepRecord[]): LabProgressView {
  const byStep = new Map(records.map((record) => [record.step, record]));
  return {
    lab: lab.id,
    title: lab.title,
    steps: lab.steps.map((step) => {
      const record = byStep.get(step.id);
      return {
        id: step.id,
        title: step.title,
        passed: record?.passedAt != null,
        attempts: record?.attempts ?? 0,
        lastCheckedAt: iso(record?.lastCheckedAt ?? null),
        passedAt: iso(record?.passedAt ?? null),
        hintRevealed: record?.hintRevealedAt != null,
        solutionRevealed: record?.solutionRevealedAt != null,
        ...(record?.lastResults ? { lastResults: record.lastResults as CheckResultView[] } : {}),
      };
    }),
  };
}

/**
 * A stable stand-in for a learner id on the instructors' page: the id is the learner's
 * cookie, i.e. their key to terminal and cluster, and must not be shown to anyone.
 */
export function learnerPseudonym(learnerId: string): string {
  return createHash('sha256').update(`werkbank-learner:${learnerId}`).digest('base64url').slice(0, 12);
}

export function classMatrixView(labs: Lab[], records: StepRecord[]): ClassMatrixView {
  const known = new Map(labs.map((lab) => [lab.id, lab]));
  const byLearner = new Map<string, StepRecord[]>();
  for (const record of records) {
    if (!known.has(record.lab)) continue;
    byLearner.set(record.learner, [...(byLearner.get(record.learner) ?? []), record]);
  }
  return {
    labs: labs.map((lab) => ({ lab: lab.id, title: lab.title, steps: lab.steps.map((step) => ({ id: step.id, title: step.title })) })),
    learners: [...byLearner].map(([learner, learnerRecords]) => ({
      learner: learnerPseudonym(learner),
      labs: labs
        .filter((lab) => learnerRecords.some((record) => record.lab === lab.id))
        .map((lab) => ({
          lab: lab.id,
          steps: labProgressView(lab, learnerRecords.filter((record) => record.lab === lab.id)).steps.map((step) => ({
            id: step.id,
            passed: step.passed,
            attempts: step.attempts,
            hintRevealed: step.hintRevealed,
            solutionRevealed: step.solutionRevealed,
            lastCheckedAt: step.lastCheckedAt,
          })),
        })),
    })),
  };
}
