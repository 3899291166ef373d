// The HTTP API in one place, shared by the runner (runner/http/api.ts answers it), the
// page's clients (site/src/...) and the browser tests' stubs (site/e2e): its addresses,
// the bodies it takes and the answers it gives. A change here breaks the type check of
// every side that no longer fits, not the page at run time.
//
// Kept free of runtime dependencies (everything else is `import type`): the page's
// bundle imports the addresses from here.
import type { z } from 'zod';
import type { Capabilities } from '../capabilities.ts';
import type { ClusterStatus } from '../clusters/manager.ts';
import type { GradeReport } from '../labs/grade.ts';
import type { ClassMatrixView, CheckResultView, LabProgressView } from '../progress/views.ts';
import type { PreparationState } from '../setup/preparation.ts';
import type { TerminalStats } from '../terminal/connection.ts';
import { TICKET_PATH, type TicketResponse } from '../terminal/protocol.ts';
import type { revealBody, ticketBody } from './contract-bodies.ts';

export type { CheckResultView, ClassMatrixView, ClusterStatus, LabProgressView, PreparationState, TicketResponse };

/** Every address of the API; `:name` marks a path parameter (see `labPath`, `stepPath`). */
export const API = {
  health: '/api/health',
  preparation: '/api/preparation',
  preparationRetry: '/api/preparation/retry',
  authPrefix: '/api/auth/',
  authMe: '/api/auth/me',
  authLogin: '/api/auth/login',
  authCallback: '/api/auth/callback',
  authLogout: '/api/auth/logout',
  ticket: TICKET_PATH,
  cluster: '/api/cluster',
  clusterReset: '/api/cluster/reset',
  clusterEvents: '/api/cluster/events',
  progress: '/api/progress',
  labProgress: '/api/labs/:lab/progress',
  labScope: '/api/labs/:lab/scope',
  labStart: '/api/labs/:lab/start',
  stepCheck: '/api/labs/:lab/steps/:step/check',
  stepReveal: '/api/labs/:lab/steps/:step/reveal',
  classProgress: '/api/lehrende/progress',
  grade: '/api/lehrende/grade',
} as const;

/** Instructors' routes check their session or token themselves (no sign-in gate). */
export const INSTRUCTOR_PREFIX = '/api/lehrende/';

/** The address of one lab's progress. */
export function labPath(lab: string): string {
  return API.labProgress.replace(':lab', encodeURIComponent(lab));
}

/** Where a lab works for this learner (GET), or starting it there (POST). */
export function labScopePath(lab: string, action: 'scope' | 'start'): string {
  return (action === 'scope' ? API.labScope : API.labStart).replace(':lab', encodeURIComponent(lab));
}

/** In learner mode "namespace" (a shared cluster), for a step that needs a cluster of
 * its own: what the page shows instead of "Prüfen", and what the runner answers (409). */
export const STEP_NEEDS_CLUSTER_MESSAGE =
  'Dieser Schritt braucht einen eigenen Cluster – in diesem Kurs arbeitest du in einem Namespace. Lies ihn mit und schau dir Hinweis und Lösung an; prüfen lässt er sich hier nicht.';
/** The same for a whole lab (its start and every step). */
export const LAB_NEEDS_CLUSTER_MESSAGE =
  'Diese Übung braucht einen eigenen Cluster – in diesem Kurs arbeitest du in einem Namespace. Lies sie mit und schau dir Hinweise und Lösungen an; starten und prüfen lässt sie sich hier nicht.';

/** The address of checking a step, or of noting that its hint or solution was opened. */
export function stepPath(lab: string, step: string, action: 'check' | 'reveal'): string {
  return (action === 'check' ? API.stepCheck : API.stepReveal).replace(':lab', encodeURIComponent(lab)).replace(':step', encodeURIComponent(step));
}

// ---- Request bodies (schemas in contract-bodies.ts) ----

export type RevealBody = z.infer<typeof revealBody>;
export type TicketBody = z.infer<typeof ticketBody>;

// ---- Answers ----

/** Every refusal and failure: `error` is German and says what to do next. */
export interface ApiError {
  ok: false;
  error: string;
}

export interface HealthResponse {
  ok: true;
  node: string;
  capabilities: Capabilities;
  terminals: { live: number } & TerminalStats;
}

export type PreparationResponse =
  | { ok: true; preparation: PreparationState | null }
  | (ApiError & { preparation: PreparationState | null });

/** POST /api/terminal/ticket: a ticket, or why not (a full course says the place in line). */
export type TicketAnswer = TicketResponse | (ApiError & { position?: number; preparation?: PreparationState });

export type ClusterResponse = { ok: true; cluster: ClusterStatus } | (ApiError & { cluster?: ClusterStatus; position?: number; preparation?: PreparationState });

/** The event stream at API.clusterEvents sends `status` events with this data. */
export const CLUSTER_STATUS_EVENT = 'status';
export type ClusterStatusEvent = ClusterStatus;

export interface AuthMeResponse {
  enabled: boolean;
  user: { name: string | null; email: string | null; instructor: boolean } | null;
}

export interface LogoutResponse {
  ok: true;
  redirect: string;
}

/** With sign-in, what every learner route answers without a session (status 401). */
export interface SignInRequired extends ApiError {
  login: string;
}

export interface CheckResponse {
  lab: string;
  step: string;
  passed: boolean;
  results: CheckResultView[];
  progress: LabProgressView;
}

/** GET /api/labs/:lab/scope and POST /api/labs/:lab/start. */
export interface LabScopeResponse {
  lab: string;
  /** Learner mode "namespace": the learner has namespaces in a shared cluster. */
  shared: boolean;
  /** What the lab needs (lab.ts). */
  needs: 'namespace' | 'cluster';
  /** Steps that need a cluster of their own (all of them when the lab does). */
  clusterSteps: string[];
  /** The namespace lab.ts names (what the lesson's text says). */
  labNamespace: string;
  /** Where the learner works in this lab: the real name of its namespace for them (in a
   * shared cluster), the lab's namespace otherwise; null while it is not known yet (no
   * session) or the lab cannot run here. */
  namespace: string | null;
}

export interface RevealResponse {
  progress: LabProgressView;
}

export interface ProgressResponse {
  labs: LabProgressView[];
}

export type ClassProgressResponse = Omit<ClassMatrixView, 'learners'> & {
  learners: (ClassMatrixView['learners'][number] & { name?: string })[];
};

export type GradeResponse = GradeReport;
