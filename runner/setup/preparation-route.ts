// The background preparation over HTTP:
//   GET /api/preparation          its state (steps, n of m, estimate, readiness, failure)
//   POST /api/preparation/retry   runs it again from the failed step ("Erneut versuchen")
// and the two doors it keeps shut until it is ready: a terminal ticket in the sandbox
// mode (the shell runs only in the learner's sandbox, never on the host) and starting
// or resetting a cluster.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/respond.ts';
import type { Preparation, PreparationState } from './preparation.ts';

export const PREPARATION_PATH = '/api/preparation';
export const PREPARATION_RETRY_PATH = '/api/preparation/retry';

export interface PreparationGate {
  /** Answers GET /api/preparation; false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** Answers POST /api/preparation/retry (the caller checked origin and rate limit). */
  retry(res: ServerResponse): void;
  /** Sends a 503 and returns true while the learner's shell cannot start yet. */
  refuseTicket(res: ServerResponse): boolean;
  /** Sends a 503 and returns true while clusters cannot start yet. */
  refuseCluster(res: ServerResponse): boolean;
}

function waitText(state: PreparationState, what: string): string {
  if (state.phase === 'failed') return state.message;
  return `Die Lernumgebung wird vorbereitet … ${state.message} ${what}`;
}

export function preparationGate(preparation: Preparation | null, sandboxShells: boolean): PreparationGate {
  return {
    handle(req, res, path) {
      if (path !== PREPARATION_PATH || req.method !== 'GET') return false;
      // A runner without background work (tests, the Werkbank image) is ready at once.
      sendJson(res, 200, { ok: true, preparation: preparation?.state() ?? null });
      return true;
    },
    retry(res) {
      if (!preparation) {
        sendJson(res, 404, { ok: false, error: 'Dieser Runner bereitet nichts im Hintergrund vor.', preparation: null });
        return;
      }
      if (!preparation.retry()) {
        const state = preparation.state();
        const error =
          state.phase === 'done'
            ? 'Alles ist vorbereitet; es gibt nichts zu wiederholen.'
            : state.phase === 'running'
              ? 'Die Vorbereitung läuft gerade; „Erneut versuchen“ geht erst nach einem Fehler.'
              : 'Der Runner wird gerade beendet; starte ihn neu mit „./werkbank start“.';
        sendJson(res, 409, { ok: false, error, preparation: state });
        return;
      }
      sendJson(res, 202, { ok: true, preparation: preparation.state() });
    },
    refuseTicket(res) {
      const state = preparation?.state();
      if (!sandboxShells || !state || state.terminalReady) return false;
      sendJson(res, 503, { ok: false, error: waitText(state, 'Dein Terminal startet, sobald deine Sandbox möglich ist.'), preparation: state });
      return true;
    },
    refuseCluster(res) {
      const state = preparation?.state();
      if (!state || state.clusterReady) return false;
      sendJson(res, 503, { ok: false, error: waitText(state, '„Cluster starten“ geht, sobald alles bereit ist.'), preparation: state });
      return true;
    },
  };
}
