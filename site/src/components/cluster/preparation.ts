// While `./werkbank start` still builds what clusters (and sandbox terminals) need in the
// background: its German steps in the cluster panel, n of m with an estimate, and on a
// failure the log's tail, what to do, when the runner tries again by itself, and "Erneut
// versuchen" (runs it again from the failed step at once). Asks the runner every few
// seconds until done, also while a failure waits for its automatic retry.
import { API, type PreparationResponse, type PreparationState } from '../../../../runner/http/contract.ts';

declare global {
  interface Window {
    /** For browser tests: the last preparation state the page showed. */
    werkbankPreparation?: { state: PreparationState | null };
  }
}

const POLL_MS = 2000;
/** After a failure: often enough that the page follows the automatic retry and its
 * countdown ("in 2 Minuten") within a few seconds, rarely enough for a full course. */
const FAILED_POLL_MS = 5000;
const STEP_MARK: Record<PreparationState['steps'][number]['state'], string> = {
  waiting: '·',
  running: '…',
  done: '✓',
  failed: '✗',
  skipped: '–',
};

/** Shows the preparation in `box`; `onChange` hears each new state (the cluster button
 * and the terminal react to it). Resolves nothing: it stops polling once done or failed. */
export function watchPreparation(box: HTMLElement, onChange: (state: PreparationState | null) => void): void {
  const summary = box.querySelector<HTMLElement>('.wb-preparation-summary')!;
  const steps = box.querySelector<HTMLOListElement>('.wb-preparation-steps')!;
  const output = box.querySelector<HTMLPreElement>('.wb-preparation-output')!;
  const retry = box.querySelector<HTMLButtonElement>('.wb-preparation-retry');
  const shown = (window.werkbankPreparation = { state: null as PreparationState | null });

  function render(state: PreparationState | null): void {
    shown.state = state;
    // Nothing to wait for (warm machine, or a runner without background work): no box.
    box.hidden = !state || state.phase === 'done';
    if (state) {
      box.dataset.phase = state.phase;
      summary.textContent = state.phase === 'failed' ? state.message : `Die Lernumgebung wird vorbereitet … ${state.message}`;
      steps.replaceChildren(
        ...state.steps.map((step, index) => {
          const item = document.createElement('li');
          item.dataset.state = step.state;
          item.textContent = `${STEP_MARK[step.state]} ${index + 1}/${state.steps.length} ${step.label}`;
          return item;
        }),
      );
      const failed = state.steps.find((step) => step.state === 'failed');
      output.textContent = failed ? `${failed.logTail ?? ''}\n\nWas tun: ${failed.fix ?? ''}`.trim() : '';
      output.hidden = !failed;
    }
    if (retry) retry.hidden = state?.phase !== 'failed';
    onChange(state);
  }

  let timer: number | undefined;
  async function poll(): Promise<void> {
    // One loop at a time: asking now (after "Erneut versuchen") replaces the next turn.
    window.clearTimeout(timer);
    try {
      const response = await fetch(API.preparation, { credentials: 'same-origin' });
      // An older runner without this route has nothing in the background.
      const body = response.ok ? ((await response.json()) as PreparationResponse) : { preparation: null };
      render(body.preparation);
      if (body.preparation?.phase === 'running') timer = window.setTimeout(() => void poll(), POLL_MS);
      else if (body.preparation?.retryInSeconds !== undefined) {
        // Look again right after the automatic retry starts, at the latest after FAILED_POLL_MS.
        const untilRetry = body.preparation.retryInSeconds * 1000 + 500;
        timer = window.setTimeout(() => void poll(), Math.min(FAILED_POLL_MS, untilRetry));
      }
    } catch {
      timer = window.setTimeout(() => void poll(), POLL_MS * 5);
    }
  }
  retry?.addEventListener('click', async () => {
    retry.disabled = true;
    retry.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(API.preparationRetry, { method: 'POST', credentials: 'same-origin' });
      const body = (await response.json()) as Partial<PreparationResponse>;
      if (body.preparation !== undefined) render(body.preparation);
      if (!response.ok) summary.textContent = (body.ok === false ? body.error : undefined) ?? `Der Runner lehnt ab (HTTP ${response.status}). Lade die Seite neu und versuche es noch einmal.`;
      // Running again (this click or someone else's): follow it.
      if (body.preparation?.phase === 'running') void poll();
    } catch {
      summary.textContent = 'Der Runner antwortet nicht. Prüfe, ob „./werkbank start“ noch läuft, und versuche es noch einmal.';
    } finally {
      retry.disabled = false;
      retry.removeAttribute('aria-busy');
    }
  });
  void poll();
}

/** The terminal dock while its sandbox cannot start yet: the step instead of "Verbinde …",
 * and a connection attempt the moment it can. */
export function followInTerminal(state: PreparationState | null, wasReady: boolean): void {
  const dock = document.getElementById('wb-terminal');
  if (!dock || !state) return;
  const status = dock.querySelector<HTMLElement>('.wb-dock-status');
  if (!state.terminalReady && dock.dataset.state !== 'connected' && status) {
    status.textContent = state.phase === 'failed' ? state.message : `Die Lernumgebung wird vorbereitet … ${state.message}`;
  }
  if (!state.terminalReady || wasReady) return;
  const reopen = () => window.werkbankTerminal?.connection.reopen();
  if (dock.dataset.state === 'reconnecting') return reopen();
  if (dock.dataset.state !== 'connecting') return;
  // A ticket asked for just before the sandbox could start comes back refused, and the
  // terminal would wait its usual 15 s: ask again as soon as that answer is in.
  const watcher = new MutationObserver(() => {
    if (dock.dataset.state === 'connecting') return;
    watcher.disconnect();
    if (dock.dataset.state === 'reconnecting') reopen();
  });
  watcher.observe(dock, { attributes: true, attributeFilter: ['data-state'] });
}
