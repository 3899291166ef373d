// Labs over HTTP:
//   POST /api/labs/:lab/steps/:step/check    runs the step's checks on the learner's cluster
//   POST /api/labs/:lab/steps/:step/reveal   notes that the hint or solution was opened
//   GET  /api/labs/:lab/progress             the learner's progress in one lab
//   GET  /api/labs/:lab/scope                where the lab works for the learner (namespace mode: their namespace for it)
//   POST /api/labs/:lab/start                namespace mode: makes the learner's namespace for the lab their default
//   GET  /api/progress                       the learner's progress in every lab
//   GET  /api/lehrende/progress              the whole class (bearer token of instructors)
//   POST /api/lehrende/grade                 every step checked in every learner's cluster (same token)
import type { IncomingMessage } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CheckResult } from '../../checks/index.ts';
import type { LearnerCluster } from '../clusters/index.ts';
import { labHasOwnNamespace, learnerCheckContext } from '../labs/check-context.ts';
import { gradeLearners } from '../labs/grade.ts';
import { stepNeeds, type Lab } from '../labs/schema.ts';
import { runStep } from '../labs/run-step.ts';
import { bearerToken, tokenMatches } from '../progress/instructor-token.ts';
import type { ProgressStore } from '../progress/store.ts';
import { classMatrixView, labProgressView, learnerPseudonym, type CheckResultView, type LabProgressView } from '../progress/views.ts';
import { BODY_LIMIT_BYTES, revealBody } from './contract-bodies.ts';
import {
  API,
  LAB_NEEDS_CLUSTER_MESSAGE,
  STEP_NEEDS_CLUSTER_MESSAGE,
  type CheckResponse,
  type LabScopeResponse,
  type ClassProgressResponse,
  type GradeResponse,
  type ProgressResponse,
  type RevealResponse,
} from './contract.ts';
import type { LearnerSource } from './learner.ts';
import { reply, replyError, sameOrigin, type ApiContext, type ApiEnv } from './respond.ts';

export const NO_CLUSTER_MESSAGE =
  'Dein Cluster ist noch nicht bereit. Starte ihn im Terminal-Bereich mit „Cluster starten“ und prüfe danach noch einmal.';

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
  /** Learner mode "namespace": learners have namespaces in a shared cluster, so steps
   * that need a cluster of their own are refused, and each lab gets a namespace of theirs. */
  sharedCluster?: boolean;
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

function unknownLab(c: Context, labId: string): Response {
  return replyError(c, 404, `Das Lab „${labId}“ gibt es auf diesem Runner nicht. Lade die Seite neu; hilft das nicht, frag deine Lehrenden.`);
}

function unknownStep(c: Context, lab: Lab, stepId: string): Response {
  return replyError(c, 404, `Das Lab „${lab.title}“ hat keinen Schritt „${stepId}“. Lade die Seite neu, vielleicht hat sich das Lab geändert.`);
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

type CheckAnswer = CheckResponse;

/** Steps of the lab that need a cluster of their own. */
function clusterSteps(lab: Lab): string[] {
  return lab.steps.filter((step) => stepNeeds(lab, step) === 'cluster').map((step) => step.id);
}

/** Where the lab works for this learner; `cluster` null while they have none. */
function scopeOf(context: LabRouteContext, lab: Lab, cluster: LearnerCluster | null): LabScopeResponse {
  const shared = context.sharedCluster === true;
  const base = { lab: lab.id, shared, needs: lab.needs, clusterSteps: clusterSteps(lab), labNamespace: lab.namespace };
  if (!shared) return { ...base, namespace: lab.namespace };
  if (!cluster || lab.needs === 'cluster') return { ...base, namespace: null };
  return { ...base, namespace: cluster.labNamespaces && labHasOwnNamespace(lab) ? cluster.labNamespaces.nameFor(lab.namespace) : cluster.namespace };
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
    // The learner works on this lab: its namespace of theirs exists and is their default
    // (once; later checks of the same lab change nothing).
    if (cluster.labNamespaces && labHasOwnNamespace(lab)) await cluster.labNamespaces.start(lab.namespace);
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
function instructorsOnly(context: LabRouteContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const req = c.env.incoming;
    const given = bearerToken(req.headers.authorization);
    if (given && tokenMatches(context.instructorToken, given)) return next();
    if (context.instructorSession) {
      const instructor = context.instructorSession(req);
      if (instructor === true) return next();
      if (instructor === false) {
        return replyError(c, 403, 'Dieser Bereich ist nur für Lehrende. Dein Konto hat die Rolle für Lehrende nicht; frag die Verwaltung deines Anmeldedienstes.');
      }
      return replyError(c, 401, 'Dieser Bereich ist nur für Lehrende. Melde dich oben mit „Anmelden“ an.');
    }
    c.header('WWW-Authenticate', 'Bearer realm="werkbank-lehrende"');
    return replyError(c, 401, 'Dieser Bereich ist nur für Lehrende. Gib das Token ein, das der Runner beim Start ausgegeben hat.');
  };
}

type StepEnv = ApiEnv & { Variables: { lab: Lab; stepId: string; learnerId: string } };

/** The lab routes of contract.ts on the router. */
export function labRoutes(app: Hono<ApiEnv>, context: LabRouteContext): void {
  const instructors = instructorsOnly(context);
  app.get(API.classProgress, instructors, (c) => {
    const records = context.store.classProgress();
    const matrix = classMatrixView([...context.labs.values()], records);
    const names = namesByPseudonym(context, new Set(records.map((record) => record.learner)));
    const learners = matrix.learners.map((learner) => {
      const name = names.get(learner.learner);
      return name ? { ...learner, name } : learner;
    });
    return reply<ClassProgressResponse>(c, 200, { ...matrix, learners });
  });
  app.post(API.grade, instructors, async (c) => {
    const abort = new AbortController();
    c.env.outgoing.once('close', () => abort.abort());
    const learners = context.learnersWithClusters?.() ?? [];
    const report = await gradeLearners([...context.labs.values()], learners, context.clusterFor, abort.signal);
    // Signed-in learners are graded by name (or e-mail address), the others by pseudonym.
    const names = namesByPseudonym(context, learners);
    return reply<GradeResponse>(c, 200, {
      ...report,
      skipped: report.skipped.map((pseudonym) => names.get(pseudonym) ?? pseudonym),
      rows: report.rows.map((row) => ({ ...row, learner: names.get(row.learner) ?? row.learner })),
    });
  });
  app.get(API.progress, (c) => {
    const learnerId = context.learners.of(c.env.incoming);
    return reply<ProgressResponse>(c, 200, { labs: [...context.labs.values()].map((lab) => progressOf(context, learnerId, lab)) });
  });
  app.get(API.labScope, async (c) => {
    const labId = c.req.param('lab');
    const lab = context.labs.get(labId);
    if (!lab) return unknownLab(c, labId);
    const learnerId = context.learners.of(c.env.incoming);
    const cluster = learnerId && context.sharedCluster ? await context.clusterFor(learnerId) : null;
    return reply<LabScopeResponse>(c, 200, scopeOf(context, lab, cluster));
  });
  app.post(API.labStart, sameOrigin(context.originAllowed, 'Diese Seite darf keine Labs starten.'), async (c) => {
    const labId = c.req.param('lab');
    const lab = context.labs.get(labId);
    if (!lab) return unknownLab(c, labId);
    if (!context.sharedCluster) return reply<LabScopeResponse>(c, 200, scopeOf(context, lab, null));
    if (lab.needs === 'cluster') return replyError(c, 409, LAB_NEEDS_CLUSTER_MESSAGE);
    const learnerId = context.learners.ensure(c.env.incoming, c.env.outgoing);
    const cluster = await context.clusterFor(learnerId);
    if (!cluster) return replyError(c, 409, NO_CLUSTER_MESSAGE);
    if (cluster.labNamespaces && labHasOwnNamespace(lab)) await cluster.labNamespaces.start(lab.namespace);
    return reply<LabScopeResponse>(c, 200, scopeOf(context, lab, cluster));
  });
  app.get(API.labProgress, (c) => {
    const labId = c.req.param('lab');
    const lab = context.labs.get(labId);
    return lab ? reply<LabProgressView>(c, 200, progressOf(context, context.learners.of(c.env.incoming), lab)) : unknownLab(c, labId);
  });

  // A step's routes: from the runner's own pages only, for a lab and step it offers; the
  // learner gets their cookie here if they had none.
  const step: MiddlewareHandler<StepEnv> = async (c, next) => {
    const labId = c.req.param('lab') ?? '';
    const stepId = c.req.param('step') ?? '';
    const lab = context.labs.get(labId);
    if (!lab) return unknownLab(c, labId);
    if (!lab.steps.some((candidate) => candidate.id === stepId)) return unknownStep(c, lab, stepId);
    c.set('lab', lab);
    c.set('stepId', stepId);
    c.set('learnerId', context.learners.ensure(c.env.incoming, c.env.outgoing));
    return next();
  };
  const steps = app as unknown as Hono<StepEnv>;
  const fromOwnPage = sameOrigin(context.originAllowed, 'Diese Seite darf keine Lab-Schritte prüfen.');

  steps.post(
    API.stepReveal,
    fromOwnPage,
    step,
    bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => replyError(c, 400, 'Die Anfrage ist zu groß.') }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return replyError(c, 400, 'Die Anfrage enthält kein gültiges JSON.');
      }
      const parsed = revealBody.safeParse(body);
      if (!parsed.success) return replyError(c, 400, 'Die Anfrage muss { "what": "hint" } oder { "what": "solution" } sein.');
      const lab = c.get('lab');
      const learnerId = c.get('learnerId');
      context.store.recordReveal(learnerId, lab.id, c.get('stepId'), parsed.data.what);
      return reply<RevealResponse>(c, 200, { progress: progressOf(context, learnerId, lab) });
    },
  );

  steps.post(API.stepCheck, fromOwnPage, step, async (c) => {
    const lab = c.get('lab');
    const stepId = c.get('stepId');
    // Refused, never a failing check: the learner could not have done it here.
    if (context.sharedCluster && stepNeeds(lab, lab.steps.find((candidate) => candidate.id === stepId)!) === 'cluster') {
      return replyError(c, 409, lab.needs === 'cluster' ? LAB_NEEDS_CLUSTER_MESSAGE : STEP_NEEDS_CLUSTER_MESSAGE);
    }
    const learnerId = c.get('learnerId');
    const res = c.env.outgoing;
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
    if (res.destroyed) return RESPONSE_ALREADY_SENT;
    if (answer === 'no-cluster') return replyError(c, 409, NO_CLUSTER_MESSAGE);
    if (answer === 'aborted') return replyError(c, 503, 'Die Prüfung wurde abgebrochen. Klicke noch einmal auf „Prüfen“.');
    return reply<CheckResponse>(c, 200, answer);
  });
}
