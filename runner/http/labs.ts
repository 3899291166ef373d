// Labs over HTTP:
//   POST /api/labs/:lab/steps/:step/check    runs the step's checks on the learner's cluster
//   POST /api/labs/:lab/steps/:step/reveal   notes that the hint or solution was opened
//   GET  /api/labs/:lab/progress             the learner's progress in one lab
//   GET  /api/progress                       the learner's progress in every lab
//   GET  /api/lehrende/progress              the whole class (bearer token of instructors)
//   POST /api/lehrende/grade                 every step checked in every learner's cluster (same token)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { CheckResult } from '../../checks/index.ts';
import type { LearnerCluster } from '../clusters/index.ts';
import { learnerCheckContext } from '../labs/check-context.ts';
import { gradeLearners } from '../labs/grade.ts';
import type { Lab } from '../labs/schema.ts';
import { runStep } from '../labs/run-step.ts';
import { bearerToken, tokenMatches } from '../progress/instructor-token.ts';
import type { ProgressStore } from '../progress/store.ts';
import { classMatrixView, labProgressView, learnerPseudonym, type CheckResultView, type LabProgressView } from '../progress/views.ts';
import type { LearnerSource } from './learner.ts';
import { sendError, sendJson } from './respond.ts';

export const NO_CLUSTER_MESSAGE =
  'Dein Cluster ist noch nicht bereit. Starte ihn im Terminal-Bereich mit „Cluster starten“ und prüfe danach noch einmal.';
const BODY_LIMIT_BYTES = 16 * 1024;

export interface LabRouteContext {
  /** Reads (and hands out) the signed learner cookie. */
  learners: LearnerSource;
  /** The labs this runner offers, by id. */
  labs: ReadonlyMap<string, Lab>;
  store: ProgressStore;
  clusterFor: (learnerId: string) => Promise<LearnerCluster | null>;
  instructorToken: string;
  /** Learners with a ready cluster, for grading. */
  learnersWithClusters?: () => string[];
  /** Origin check for state-changing requests (a foreign page must not record progress). */
  originAllowed: (req: IncomingMessage) => boolean;
  /** With sign-in: whether the request's session is an instructor's (null: no session). */
  instructorSession?: (req: IncomingMessage) => boolean | null;
  /** With sign-in: the learner's name or e-mail address for instructors. */
  displayName?: (learnerId: string) => string | null;
}

/** Pseudonym → name for the learners given, so instructors see who is who. */
function namesByPseudonym(context: LabRouteContext, learnerIds: Iterable<string>): Map<string, string> {
  const names = new Map<string, string>();
  if (!context.displayName) return names;
  for (const learnerId of learnerIds) {
    const name = context.displayName(learnerId);
    if (name) names.set(learnerPseudonym(learnerId), name);
  }
  return names;
}

const revealBodySchema = z.strictObject({ what: z.enum(['hint', 'solution']) });

const STEP_ROUTE = /^\/api\/labs\/([^/]+)\/steps\/([^/]+)\/(check|reveal)$/;
const LAB_PROGRESS_ROUTE = /^\/api\/labs\/([^/]+)\/progress$/;

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new BadRequest('Die Anfrage ist zu groß.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('Die Anfrage enthält kein gültiges JSON.');
  }
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function unknownLab(res: ServerResponse, labId: string): void {
  sendError(res, 404, `Das Lab „${labId}“ gibt es auf diesem Runner nicht. Lade die Seite neu; hilft das nicht, frag deine Lehrenden.`);
}

function unknownStep(res: ServerResponse, lab: Lab, stepId: string): void {
  sendError(res, 404, `Das Lab „${lab.title}“ hat keinen Schritt „${stepId}“. Lade die Seite neu, vielleicht hat sich das Lab geändert.`);
}

/** What the learner sees of a check: its verdict in German, never the technical error. */
function resultView(result: CheckResult): CheckResultView {
  return {
    checkId: result.checkId,
    passed: result.passed,
    message: result.message,
    ...(result.hint ? { hint: result.hint } : {}),
  };
}

function progressOf(context: LabRouteContext, learnerId: string | null, lab: Lab): LabProgressView {
  return labProgressView(lab, learnerId ? context.store.labProgress(learnerId, lab.id) : []);
}

interface CheckAnswer {
  lab: string;
  step: string;
  passed: boolean;
  results: CheckResultView[];
  progress: LabProgressView;
}

/** One "Prüfen" under way; a second click meanwhile gets its answer instead of a second run. */
interface CheckJob {
  done: Promise<CheckAnswer | 'no-cluster' | 'aborted'>;
  abort: AbortController;
  waiters: number;
}

const checksByStore = new WeakMap<ProgressStore, Map<string, CheckJob>>();

/** The checks under way for one runner (a runner has exactly one store). */
function runningChecks(store: ProgressStore): Map<string, CheckJob> {
  let running = checksByStore.get(store);
  if (!running) {
    running = new Map();
    checksByStore.set(store, running);
  }
  return running;
}

function newCheckJob(context: LabRouteContext, learnerId: string, lab: Lab, stepId: string): CheckJob {
  const abort = new AbortController();
  const run = async (): Promise<CheckAnswer | 'no-cluster' | 'aborted'> => {
    const cluster = await context.clusterFor(learnerId);
    if (!cluster) return 'no-cluster';
    const outcome = await runStep(lab, stepId, learnerCheckContext(lab, cluster, abort.signal));
    for (const result of outcome.results) {
      if (result.error) console.error(`[labs] ${lab.id}/${stepId} ${result.checkId} (Lernende ${learnerId.slice(0, 6)}…): ${result.error}`);
    }
    // Cut short, the results say nothing about the learner's work: not an attempt.
    if (abort.signal.aborted) return 'aborted';
    const results = outcome.results.map(resultView);
    context.store.recordAttempt({ learner: learnerId, lab: lab.id, step: stepId, passed: outcome.passed, results });
    return { lab: lab.id, step: stepId, passed: outcome.passed, results, progress: progressOf(context, learnerId, lab) };
  };
  return { done: run(), abort, waiters: 0 };
}

/** Answers 401 unless the request carries the instructors' token (or, with sign-in, comes
 * from an instructor's session; the token stays for `werkbank grade` on the runner's machine). */
function instructorAllowed(req: IncomingMessage, res: ServerResponse, context: LabRouteContext): boolean {
  const given = bearerToken(req.headers.authorization);
  if (given && tokenMatches(context.instructorToken, given)) return true;
  if (context.instructorSession) {
    const instructor = context.instructorSession(req);
    if (instructor === true) return true;
    if (instructor === false) sendError(res, 403, 'Dieser Bereich ist nur für Lehrende. Dein Konto hat die Rolle für Lehrende nicht; frag die Verwaltung deines Anmeldedienstes.');
    else sendError(res, 401, 'Dieser Bereich ist nur für Lehrende. Melde dich oben mit „Anmelden“ an.');
    return false;
  }
  res.setHeader('WWW-Authenticate', 'Bearer realm="werkbank-lehrende"');
  sendError(res, 401, 'Dieser Bereich ist nur für Lehrende. Gib das Token ein, das der Runner beim Start ausgegeben hat.');
  return false;
}

/** Handles the request if it is one of the lab routes; returns false otherwise. */
export async function handleLabRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  context: LabRouteContext,
): Promise<boolean> {
  if (path === '/api/lehrende/progress' && req.method === 'GET') {
    if (!instructorAllowed(req, res, context)) return true;
    const records = context.store.classProgress();
    const matrix = classMatrixView([...context.labs.values()], records);
    const names = namesByPseudonym(context, new Set(records.map((record) => record.learner)));
    const learners = matrix.learners.map((learner) => {
      const name = names.get(learner.learner);
      return name ? { ...learner, name } : learner;
    });
    sendJson(res, 200, { ...matrix, learners });
    return true;
  }
  if (path === '/api/lehrende/grade' && req.method === 'POST') {
    if (!instructorAllowed(req, res, context)) return true;
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const learners = context.learnersWithClusters?.() ?? [];
    const report = await gradeLearners([...context.labs.values()], learners, context.clusterFor, abort.signal);
    // Signed-in learners are graded by name (or e-mail address), the others by pseudonym.
    const names = namesByPseudonym(context, learners);
    sendJson(res, 200, {
      ...report,
      skipped: report.skipped.map((pseudonym) => names.get(pseudonym) ?? pseudonym),
      rows: report.rows.map((row) => ({ ...row, learner: names.get(row.learner) ?? row.learner })),
    });
    return true;
  }
  if (path === '/api/progress' && req.method === 'GET') {
    const learnerId = context.learners.of(req);
    sendJson(res, 200, { labs: [...context.labs.values()].map((lab) => progressOf(context, learnerId, lab)) });
    return true;
  }
  const labProgressMatch = LAB_PROGRESS_ROUTE.exec(path);
  if (labProgressMatch && req.method === 'GET') {
    const labId = decode(labProgressMatch[1]!) ?? '';
    const lab = context.labs.get(labId);
    if (!lab) unknownLab(res, labId);
    else sendJson(res, 200, progressOf(context, context.learners.of(req), lab));
    return true;
  }
  const stepMatch = STEP_ROUTE.exec(path);
  if (!stepMatch || req.method !== 'POST') return false;

  if (!context.originAllowed(req)) {
    sendError(res, 403, 'Diese Seite darf keine Lab-Schritte prüfen.');
    return true;
  }
  const labId = decode(stepMatch[1]!) ?? '';
  const stepId = decode(stepMatch[2]!) ?? '';
  const lab = context.labs.get(labId);
  if (!lab) {
    unknownLab(res, labId);
    return true;
  }
  if (!lab.steps.some((step) => step.id === stepId)) {
    unknownStep(res, lab, stepId);
    return true;
  }
  const learnerId = context.learners.ensure(req, res);
  if (stepMatch[3] === 'reveal') {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      sendError(res, 400, error.message);
      return true;
    }
    const parsed = revealBodySchema.safeParse(body);
    if (!parsed.success) {
      sendError(res, 400, 'Die Anfrage muss { "what": "hint" } oder { "what": "solution" } sein.');
      return true;
    }
    context.store.recordReveal(learnerId, lab.id, stepId, parsed.data.what);
    sendJson(res, 200, { progress: progressOf(context, learnerId, lab) });
    return true;
  }

  const key = JSON.stringify([learnerId, lab.id, stepId]);
  const running = runningChecks(context.store);
  let job = running.get(key);
  if (!job) {
    const created = newCheckJob(context, learnerId, lab, stepId);
    job = created;
    running.set(key, created);
    // A failing run reaches the learner's request through `await` below; this chain only tidies up.
    created.done.finally(() => running.delete(key)).catch(() => undefined);
  }
  job.waiters += 1;
  const sharedJob = job;
  // A learner who leaves the page does not keep checks polling their cluster (unless the
  // same check is still awaited by another of their requests).
  res.once('close', () => {
    if (res.writableFinished) return;
    sharedJob.waiters -= 1;
    if (sharedJob.waiters === 0) sharedJob.abort.abort();
  });
  const answer = await sharedJob.done;
  if (res.destroyed) return true;
  if (answer === 'no-cluster') sendError(res, 409, NO_CLUSTER_MESSAGE);
  else if (answer === 'aborted') sendError(res, 503, 'Die Prüfung wurde abgebrochen. Klicke noch einmal auf „Prüfen“.');
  else sendJson(res, 200, answer);
  return true;
}
