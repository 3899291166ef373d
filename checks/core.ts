// The core of the check library: what a check is (`defineCheck`), what it answers
// (`CheckResult`: passed or not, a German message naming what is missing and what to
// try, the data behind it), and how it is run (`executeCheck`: validated parameters, a
// timeout that cancels requests in flight, and polling while Kubernetes is still busy).
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { kubeApi, type KubeApi } from './kube.ts';

/** How long a check may take unless the context or the check says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Pause between two attempts while a check reports that Kubernetes is not done yet. */
export const DEFAULT_POLL_INTERVAL_MS = 500;

/** Facts a check looked at (JSON-serialisable), stored with the result. */
export type CheckData = Record<string, unknown>;

/** What a check's `run` answers for one look at the cluster. */
export interface Verdict {
  passed: boolean;
  /** German, "du" form: what is there or what is missing, and what to try. */
  message: string;
  /** Optional extra help, e.g. the kubectl command to look for yourself. */
  hint?: string;
  data?: CheckData;
  /**
   * Not passed yet, but Kubernetes is still working on it (a rollout in progress, a
   * claim being provisioned, an HPA waiting for metrics): asking again may pass.
   * Failures without it are final for now, and answered at once.
   */
  pending?: boolean;
}

export interface CheckResult {
  checkId: string;
  passed: boolean;
  message: string;
  hint?: string;
  data: CheckData;
  /**
   * Set when the check could not look at all (no answer in time, no permission, the
   * cluster unreachable, a bug): technical detail for logs, not for the learner.
   */
  error?: string;
  /** The time ran out while the check was still waiting for Kubernetes. */
  timedOut?: boolean;
  /** Still waiting for Kubernetes when another check of the step failed for good. */
  stoppedWaiting?: boolean;
  /** How often the check looked (more than 1 while it waited). */
  attempts: number;
  durationMs: number;
}

/** The images one node's container runtime holds. */
export interface NodeImages {
  node: string;
  /** Image references as the runtime lists them, e.g. "docker.io/library/nginx:1.27". */
  images: string[];
}

/**
 * What only a node's container runtime knows, e.g. via `crictl` inside kind's node
 * containers. Optional: checks fall back to the API (with less certainty) without it.
 */
export interface NodeRuntime {
  /** For messages, German: where the answer came from, e.g. "crictl in den kind-Knoten". */
  readonly source: string;
  listImages(signal: AbortSignal): Promise<NodeImages[]>;
}

/** Where and how long a check runs: one learner's cluster. */
export interface CheckContext {
  kubeConfig: KubeConfig;
  /** The learner's namespace; checks use it unless their parameters name another. */
  namespace: string;
  /** Overall time for the check including waiting (default: the check's own, else 10 s). */
  timeoutMs?: number;
  nodeRuntime?: NodeRuntime;
  /** Cancels the check from outside (e.g. the learner's request went away). */
  signal?: AbortSignal;
  /**
   * Ends the waiting, not the look: once aborted, a pending check answers with what it
   * saw last instead of asking again (another check of the step has failed for good, so
   * waiting cannot make the step pass). A look under way still finishes.
   */
  stopWaiting?: AbortSignal;
}

/** What a check's `run` gets besides its parameters. */
export interface CheckRunContext {
  /** Typed API clients bound to this run's cancellation. */
  kube: KubeApi;
  namespace: string;
  signal: AbortSignal;
  nodeRuntime: NodeRuntime | undefined;
}

export interface CheckDefinition<Id extends string = string, Params extends z.ZodType = z.ZodType> {
  /** Stable id the lab format refers to, kebab-case, e.g. "pvc-bound". */
  id: Id;
  /** German title for instructors and reports. */
  title: string;
  /** Parameters, validated before the check runs (and when a lab is validated). */
  params: Params;
  /** Default overall time for this check, when it needs longer than 10 s (HPA). */
  timeoutMs?: number;
  pollIntervalMs?: number;
  run(params: z.output<Params>, ctx: CheckRunContext): Promise<Verdict>;
}

export type AnyCheck = CheckDefinition<string, z.ZodType>;

/** Declares a check; the identity function, there for the types and a single shape. */
export function defineCheck<const Id extends string, Params extends z.ZodType>(
  definition: CheckDefinition<Id, Params>,
): CheckDefinition<Id, Params> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(definition.id)) {
    throw new Error(`Check-ID ${JSON.stringify(definition.id)} ist nicht in kebab-case.`);
  }
  return definition;
}

/** Tells a verdict from an object a helper read instead (helpers return either). */
export function isVerdict(value: unknown): value is Verdict {
  return typeof value === 'object' && value !== null && 'passed' in value && 'message' in value;
}

export function pass(message: string, data?: CheckData): Verdict {
  return { passed: true, message, ...(data ? { data } : {}) };
}

export function fail(message: string, options: { hint?: string; data?: CheckData } = {}): Verdict {
  return { passed: false, message, ...options };
}

/** Not yet: Kubernetes is still working; the check is asked again until it times out. */
export function notYet(message: string, options: { hint?: string; data?: CheckData } = {}): Verdict {
  return { passed: false, pending: true, message, ...options };
}

/** A lab references a check with parameters it does not accept: the lab's mistake. */
export class CheckParamsError extends Error {
  readonly checkId: string;
  readonly problems: string[];

  constructor(checkId: string, problems: string[]) {
    super(`Ungültige Parameter für die Prüfung ${checkId}: ${problems.join('; ')}`);
    this.name = 'CheckParamsError';
    this.checkId = checkId;
    this.problems = problems;
  }
}

export class UnknownCheckError extends Error {
  readonly checkId: string;

  constructor(checkId: string, known: readonly string[]) {
    super(`Unbekannte Prüfung ${JSON.stringify(checkId)}. Bekannt sind: ${known.join(', ')}.`);
    this.name = 'UnknownCheckError';
    this.checkId = checkId;
  }
}

/** "path.to.field: message" lines for a zod error. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

export function parseParams<C extends AnyCheck>(check: C, params: unknown): z.output<C['params']> {
  const parsed = check.params.safeParse(params ?? {});
  if (!parsed.success) throw new CheckParamsError(check.id, describeIssues(parsed.error));
  return parsed.data as z.output<C['params']>;
}

/**
 * Runs one check against one cluster. Parameters are validated first (a bad reference
 * throws CheckParamsError; it is the lab's fault, not the learner's). Everything else
 * becomes a result: passed, failed, or failed with `error` when the cluster could not
 * be asked. A pending verdict is asked again every `pollIntervalMs` until it passes,
 * fails for good, or the time is up; an answer that is there already comes at once.
 */
export async function executeCheck(check: AnyCheck, rawParams: unknown, ctx: CheckContext): Promise<CheckResult> {
  const params = parseParams(check, rawParams);
  const started = performance.now();
  const timeoutMs = ctx.timeoutMs ?? check.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = check.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = started + timeoutMs;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error(`Zeitlimit von ${timeoutMs} ms erreicht`)), timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout.signal]) : timeout.signal;
  const runContext: CheckRunContext = {
    kube: kubeApi(ctx.kubeConfig, signal),
    namespace: ctx.namespace,
    signal,
    nodeRuntime: ctx.nodeRuntime,
  };

  let verdict: Verdict | undefined;
  let failure: unknown;
  let attempts = 0;
  try {
    for (;;) {
      attempts += 1;
      try {
        verdict = await check.run(params, runContext);
        failure = undefined;
      } catch (error) {
        if (signal.aborted) break;
        failure = error;
        if (!isTransient(error)) break;
      }
      if (verdict && failure === undefined && (verdict.passed || !verdict.pending)) break;
      const remaining = deadline - performance.now();
      if (remaining <= intervalMs || signal.aborted || ctx.stopWaiting?.aborted) break;
      try {
        await sleep(intervalMs, undefined, { signal: ctx.stopWaiting ? AbortSignal.any([signal, ctx.stopWaiting]) : signal });
      } catch {
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }

  const durationMs = Math.round(performance.now() - started);
  const base = { checkId: check.id, attempts, durationMs };
  const cancelled = ctx.signal?.aborted === true;
  if (verdict && failure === undefined) {
    const waitedOut = !verdict.passed && verdict.pending === true;
    const stopped = waitedOut && ctx.stopWaiting?.aborted === true;
    return {
      ...base,
      passed: verdict.passed,
      message: verdict.message,
      ...(verdict.hint ? { hint: verdict.hint } : {}),
      data: verdict.data ?? {},
      ...(stopped ? { stoppedWaiting: true } : waitedOut ? { timedOut: true } : {}),
    };
  }
  if (cancelled) {
    return { ...base, passed: false, message: 'Die Prüfung wurde abgebrochen.', data: {}, error: 'abgebrochen' };
  }
  if (failure === undefined) {
    // Aborted by the timeout before the first answer.
    const seconds = Math.round(timeoutMs / 100) / 10;
    return {
      ...base,
      passed: false,
      message: `Der Cluster hat nicht innerhalb von ${seconds} s geantwortet. Läuft er? Tipp: Sieh mit „kubectl get nodes“ nach und prüfe dann noch einmal.`,
      data: {},
      error: `Zeitüberschreitung nach ${timeoutMs} ms`,
      timedOut: true,
    };
  }
  return { ...base, passed: false, data: {}, ...describeFailure(failure) };
}

const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && networkErrorCodes.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** Errors worth asking again for: the API server busy or briefly unreachable. */
function isTransient(error: unknown): boolean {
  if (error instanceof ApiException) return error.code === 429 || error.code >= 500;
  return networkCode(error) !== undefined;
}

function apiMessage(error: ApiException<unknown>): string {
  const body = error.body;
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  if (typeof body === 'string' && body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
        return parsed.message;
      }
    } catch {
      return body.slice(0, 300);
    }
  }
  return error.message;
}

/** A result's message and error for a check that could not ask the cluster. */
export function describeFailure(error: unknown): { message: string; error: string } {
  if (error instanceof ApiException) {
    const detail = apiMessage(error);
    const technical = `HTTP ${error.code}: ${detail}`;
    if (error.code === 401) {
      return {
        message: 'Der Cluster hat die Anmeldung der Prüfung abgelehnt (401). Das liegt nicht an dir – sag bitte deiner Lehrkraft Bescheid.',
        error: technical,
      };
    }
    if (error.code === 403) {
      return {
        message: `Die Prüfung darf das nicht lesen (403): ${detail}. Das liegt nicht an dir – sag bitte deiner Lehrkraft Bescheid.`,
        error: technical,
      };
    }
    return {
      message: `Der Cluster hat mit einem Fehler geantwortet (${error.code}). Versuch es gleich noch einmal; hilft das nicht, sieh mit „kubectl get nodes“ nach, ob er läuft.`,
      error: technical,
    };
  }
  const code = networkCode(error);
  if (code) {
    return {
      message: `Der Cluster ist nicht erreichbar (${code}). Läuft er? Tipp: Sieh mit „kubectl get nodes“ nach.`,
      error: error instanceof Error ? `${error.message} (${code})` : code,
    };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    message: 'Bei der Prüfung ist ein interner Fehler aufgetreten. Das liegt nicht an dir – sag bitte deiner Lehrkraft Bescheid.',
    error: text,
  };
}

/** The checks by id, with lookup that names the known ids when one is unknown. */
export interface CheckRegistry<Checks extends Record<string, AnyCheck>> {
  readonly checks: Checks;
  readonly ids: (keyof Checks & string)[];
  get(id: string): AnyCheck;
  has(id: string): id is keyof Checks & string;
}

export function createRegistry<const List extends readonly AnyCheck[]>(
  list: List,
): CheckRegistry<{ [C in List[number] as C['id']]: C }> {
  const checks: Record<string, AnyCheck> = {};
  for (const check of list) {
    if (checks[check.id]) throw new Error(`Check-ID ${check.id} ist doppelt vergeben.`);
    checks[check.id] = check;
  }
  const ids = Object.keys(checks).sort();
  return {
    checks: checks as { [C in List[number] as C['id']]: C },
    ids: ids as never,
    get(id: string): AnyCheck {
      const check = checks[id];
      if (!check) throw new UnknownCheckError(id, ids);
      return check;
    },
    has(id: string): id is never {
      return Object.hasOwn(checks, id);
    },
  };
}
