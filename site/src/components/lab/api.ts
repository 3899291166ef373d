// The browser's side of the labs API (runner/http/labs.ts): typed requests that turn
// every way a request can go wrong into one German sentence saying what to do next.

import {
  API,
  labPath,
  labScopePath,
  stepPath,
  type CheckResponse,
  type LabProgressView,
  type LabScopeResponse,
  type ProgressResponse,
  type RevealBody,
  type RevealResponse,
} from '../../../../runner/http/contract.ts';

export type { CheckResponse, CheckResultView, LabProgressView, LabScopeResponse } from '../../../../runner/http/contract.ts';
export { LAB_NEEDS_CLUSTER_MESSAGE, STEP_NEEDS_CLUSTER_MESSAGE } from '../../../../runner/http/contract.ts';
export type { StepProgressView } from '../../../../runner/progress/views.ts';

/** What went wrong, for the page: `kind` picks how it is shown, `message` is German. */
export type ApiFailure =
  | { kind: 'no-cluster'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'network'; message: string }
  | { kind: 'server'; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export const NETWORK_MESSAGE =
  'Der Runner antwortet nicht. Prüfe deine Verbindung (läuft der Runner noch?) und versuche es dann noch einmal.';

async function errorText(response: Response): Promise<string | null> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  return typeof body?.error === 'string' && body.error !== '' ? body.error : null;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    return { ok: false, failure: { kind: 'network', message: NETWORK_MESSAGE } };
  }
  if (response.ok) {
    const value = (await response.json().catch(() => null)) as T | null;
    if (value === null) return { ok: false, failure: { kind: 'server', message: 'Der Runner hat unlesbar geantwortet. Lade die Seite neu.' } };
    return { ok: true, value };
  }
  const text = await errorText(response);
  switch (response.status) {
    case 409:
      return {
        ok: false,
        failure: { kind: 'no-cluster', message: text ?? 'Du hast noch keinen fertigen Cluster. Starte ihn im Terminal-Bereich mit „Cluster starten“.' },
      };
    case 404:
      return { ok: false, failure: { kind: 'not-found', message: text ?? 'Diese Übung kennt der Runner nicht.' } };
    case 401:
    case 403:
      return { ok: false, failure: { kind: 'unauthorized', message: text ?? 'Zugriff verweigert.' } };
    default:
      return {
        ok: false,
        failure: {
          kind: 'server',
          message: text ?? `Beim Runner ist ein Fehler passiert (Fehler ${response.status}). Versuche es gleich noch einmal.`,
        },
      };
  }
}

function postJson<T>(path: string, body?: RevealBody): Promise<ApiResult<T>> {
  return request<T>(path, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

export function checkStep(lab: string, step: string): Promise<ApiResult<CheckResponse>> {
  return postJson<CheckResponse>(stepPath(lab, step, 'check'));
}

export function revealHelp(lab: string, step: string, what: RevealBody['what']): Promise<ApiResult<RevealResponse>> {
  return postJson<RevealResponse>(stepPath(lab, step, 'reveal'), { what });
}

export function labScope(lab: string): Promise<ApiResult<LabScopeResponse>> {
  return request<LabScopeResponse>(labScopePath(lab, 'scope'));
}

export function startLab(lab: string): Promise<ApiResult<LabScopeResponse>> {
  return postJson<LabScopeResponse>(labScopePath(lab, 'start'));
}

export function labProgress(lab: string): Promise<ApiResult<LabProgressView>> {
  return request<LabProgressView>(labPath(lab));
}

/** All labs of this learner; tolerant of a bare list or an object holding `labs`. */
export async function allProgress(): Promise<ApiResult<LabProgressView[]>> {
  const result = await request<ProgressResponse | unknown>(API.progress);
  if (!result.ok) return result;
  return { ok: true, value: labList(result.value) };
}

export function labList(value: unknown): LabProgressView[] {
  const list = Array.isArray(value) ? value : (value as { labs?: unknown } | null)?.labs;
  return Array.isArray(list) ? list.filter(isLabProgress) : [];
}

export function isLabProgress(value: unknown): value is LabProgressView {
  const candidate = value as Partial<LabProgressView> | null;
  return typeof candidate?.lab === 'string' && Array.isArray(candidate.steps);
}

export function passedCount(lab: LabProgressView): number {
  return lab.steps.filter((step) => step.passed).length;
}

export function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 Versuch' : `${attempts} Versuche`;
}
