// The background preparation over HTTP:
//   GET /api/preparation          its state (steps, n of m, estimate, readiness, failure)
//   POST /api/preparation/retry   runs it again from the failed step ("Erneut versuchen")
// and the two doors it keeps shut until it is ready: a terminal ticket in the sandbox
// mode (the shell runs only in the learner's sandbox, never on the host) and starting
// or resetting a cluster.
import { API, type PreparationResponse } from '../http/contract.ts';
import type { Preparation, PreparationState } from './preparation.ts';

export const PREPARATION_PATH = API.preparation;
export const PREPARATION_RETRY_PATH = API.preparationRetry;

/** An answer for the router to send: status and body. */
export interface PreparationAnswer {
  status: 200 | 202 | 404 | 409 | 503;
  body: PreparationResponse;
}

export interface PreparationGate {
  /** The answer to GET /api/preparation. */
  state(): PreparationAnswer;
  /** The answer to POST /api/preparation/retry (the caller checked origin and rate limit). */
  retry(): PreparationAnswer;
  /** A 503 while the learner's shell cannot start yet, else null. */
  refuseTicket(): PreparationAnswer | null;
  /** A 503 while clusters cannot start yet, else null. */
  refuseCluster(): PreparationAnswer | null;
}

function waitText(state: PreparationState, what: string): string {
  if (state.phase === 'failed') return state.message;
  return `Die Lernumgebung wird vorbereitet … ${state.message} ${what}`;
}

export function preparationGate(preparation: Preparation | null, sandboxShells: boolean): PreparationGate {
  return {
    state() {
      // A runner without background work (tests, the Werkbank image) is ready at once.
      return { status: 200, body: { ok: true, preparation: preparation?.state() ?? null } };
    },
    retry() {
      if (!preparation) {
        return { status: 404, body: { ok: false, error: 'Dieser Runner bereitet nichts im Hintergrund vor.', preparation: null } };
      }
      if (!preparation.retry()) {
        const state = preparation.state();
        const error =
          state.phase === 'done'
            ? 'Alles ist vorbereitet; es gibt nichts zu wiederholen.'
            : state.phase === 'running'
              ? 'Die Vorbereitung läuft gerade; „Erneut versuchen“ geht erst nach einem Fehler.'
              : 'Der Runner wird gerade beendet; starte ihn neu mit „./werkbank start“.';
        return { status: 409, body: { ok: false, error, preparation: state } };
      }
      return { status: 202, body: { ok: true, preparation: preparation.state() } };
    },
    refuseTicket() {
      const state = preparation?.state();
      if (!sandboxShells || !state || state.terminalReady) return null;
      return { status: 503, body: { ok: false, error: waitText(state, 'Dein Terminal startet, sobald deine Sandbox möglich ist.'), preparation: state } };
    },
    refuseCluster() {
      const state = preparation?.state();
      if (!state || state.clusterReady) return null;
      return { status: 503, body: { ok: false, error: waitText(state, '„Cluster starten“ geht, sobald alles bereit ist.'), preparation: state } };
    },
  };
}
