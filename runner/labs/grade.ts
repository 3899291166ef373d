// Automated grading: every step of every lab, checked in every learner's cluster, as rows
// for a spreadsheet. Learners appear under their pseudonyms (their id is their key).
import { z } from 'zod';
import type { LearnerCluster } from '../clusters/index.ts';
import { learnerPseudonym } from '../progress/views.ts';
import { learnerCheckContext } from './check-context.ts';
import { runStep } from './run-step.ts';
import { stepNeeds, type Lab } from './schema.ts';

// The report's shape, also checked where it arrives (`werkbank grade` reads it over HTTP).
export const gradeReportSchema = z.object({
  gradedAt: z.string(),
  /** Learners whose cluster answered. */
  learners: z.number(),
  /** Learners whose cluster was gone by the time their turn came. */
  skipped: z.array(z.string()),
  rows: z.array(
    z.object({
      learner: z.string(),
      lab: z.string(),
      step: z.string(),
      passed: z.boolean(),
      /** German, one line per check that is not passed yet. */
      missing: z.array(z.string()),
    }),
  ),
});

export type GradeReport = z.infer<typeof gradeReportSchema>;
export type GradeRow = GradeReport['rows'][number];

export async function gradeLearners(
  labs: readonly Lab[],
  learnerIds: readonly string[],
  clusterFor: (learnerId: string) => Promise<LearnerCluster | null>,
  signal?: AbortSignal,
): Promise<GradeReport> {
  const rows: GradeRow[] = [];
  const skipped: string[] = [];
  for (const learnerId of learnerIds) {
    const cluster = await clusterFor(learnerId);
    if (!cluster) {
      skipped.push(learnerPseudonym(learnerId));
      continue;
    }
    for (const lab of labs) {
      for (const step of lab.steps) {
        // In a shared cluster (learner mode "namespace") nobody could do it: not a row.
        if (cluster.labNamespaces && stepNeeds(lab, step) === 'cluster') continue;
        // Grading looks at what is there now: no waiting for rollouts still under way.
        const outcome = await runStep(lab, step.id, { ...learnerCheckContext(lab, cluster, signal), timeoutMs: 5_000 });
        rows.push({
          learner: learnerPseudonym(learnerId),
          lab: lab.id,
          step: step.id,
          passed: outcome.passed,
          missing: outcome.results.filter((result) => !result.passed).map((result) => `${result.checkId}: ${result.message}`),
        });
      }
    }
  }
  return { gradedAt: new Date().toISOString(), learners: learnerIds.length - skipped.length, skipped, rows };
}

function csvField(value: string): string {
  return /[",;\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Semicolon-separated with a header, as German spreadsheets open it by default. */
export function gradeCsv(report: GradeReport): string {
  const lines = [['lernende', 'lab', 'schritt', 'bestanden', 'fehlt'].join(';')];
  for (const row of report.rows) {
    lines.push([row.learner, row.lab, row.step, row.passed ? 'ja' : 'nein', row.missing.join(' | ')].map(csvField).join(';'));
  }
  return `${lines.join('\n')}\n`;
}
