// The learner's cluster above the terminal: its state in one line, one button for the
// next step (start, retry, reset), and while it is made the German progress steps as
// they happen, with a time estimate. Follows the runner's event stream.
import { API, CLUSTER_STATUS_EVENT, type ClusterResponse, type ClusterStatus, type ClusterStatusEvent } from '../../../../runner/http/contract.ts';
import type { ProgressStep } from '../../../../runner/clusters/provider.ts';
import type { PreparationState } from '../../../../runner/setup/preparation.ts';
import { publishClusterStatus } from './cluster-status.ts';
import { followInTerminal, watchPreparation } from './preparation.ts';

const ACTION: Record<ClusterStatus['phase'], { label: string; path: string } | null> = {
  none: { label: 'Cluster starten', path: API.cluster },
  queued: null,
  creating: null,
  ready: { label: 'Cluster zurücksetzen', path: API.clusterReset },
  failed: { label: 'Erneut versuchen', path: API.cluster },
  deleting: null,
};

const BUSY_LABEL: Partial<Record<ClusterStatus['phase'], string>> = {
  queued: 'Wartet auf einen Platz …',
  creating: 'Wird gestartet …',
  deleting: 'Wird gelöscht …',
};

const STEP_MARK: Record<ProgressStep['state'], string> = { running: '…', done: '✓', failed: '✗' };

function seconds(from: number, to: number): string {
  return `${Math.max(0, Math.round((to - from) / 1000))} s`;
}

export function mountClusterPanel(panel: HTMLElement): void {
  const summary = panel.querySelector<HTMLElement>('.wb-cluster-summary')!;
  const button = panel.querySelector<HTMLButtonElement>('.wb-cluster-action')!;
  const details = panel.querySelector<HTMLDetailsElement>('.wb-cluster-details')!;
  const steps = panel.querySelector<HTMLOListElement>('.wb-cluster-steps')!;
  const estimate = panel.querySelector<HTMLElement>('.wb-cluster-estimate')!;
  const output = panel.querySelector<HTMLPreElement>('.wb-cluster-output')!;
  const state = (window.werkbankCluster = { status: null as ClusterStatus | null });
  /** What the runner still builds in the background; null when nothing. */
  let preparation: PreparationState | null = null;

  // Beside the terminal when the page has one: that is where the cluster is used.
  const dock = document.getElementById('wb-terminal');
  const screen = dock?.querySelector('.wb-dock-screen');
  if (dock && screen) dock.insertBefore(panel, screen);

  function render(status: ClusterStatus): void {
    // Also called again with the same status (seconds counting, preparation): news only once.
    const news = status !== state.status;
    state.status = status;
    // A runner that gives out no clusters (tests, terminal-only set-ups): no panel.
    panel.hidden = status.provider === 'none';
    panel.dataset.phase = status.phase;
    summary.textContent = status.message;
    const action = ACTION[status.phase];
    const busy = BUSY_LABEL[status.phase];
    // While the cluster is made the button stays, busy: hiding it would drop the keyboard
    // focus of the learner who just pressed it to the top of the page.
    button.hidden = !(action || busy) || (status.phase === 'failed' && status.error?.retryable === false);
    if (action) {
      button.textContent = action.label;
      button.dataset.path = action.path;
      button.removeAttribute('aria-busy');
      button.removeAttribute('aria-disabled');
      // No cluster can start before the node and lab images exist; the steps say why.
      button.disabled = action.path === API.cluster && preparation !== null && !preparation.clusterReady;
    } else if (busy) {
      button.disabled = false;
      button.textContent = busy;
      delete button.dataset.path;
      button.setAttribute('aria-busy', 'true');
      button.setAttribute('aria-disabled', 'true');
    }
    const now = Date.now();
    steps.replaceChildren(
      ...status.steps.map((step) => {
        const item = document.createElement('li');
        item.dataset.state = step.state;
        item.textContent = `${STEP_MARK[step.state]} ${step.label} (${seconds(step.startedAt, step.endedAt ?? now)})`;
        if (step.detail && step.state !== 'failed') item.title = step.detail;
        return item;
      }),
    );
    estimate.textContent =
      status.phase === 'creating' && status.startedAt && status.estimateSeconds
        ? `Bisher ${seconds(status.startedAt, now)} von etwa ${status.estimateSeconds} s.`
        : '';
    output.textContent = status.error?.output ?? status.steps.find((step) => step.state === 'failed')?.detail ?? '';
    output.hidden = output.textContent === '';
    details.hidden = status.steps.length === 0 && output.hidden;
    if (status.phase === 'creating' || status.phase === 'failed') details.open = true;
    if (news) publishClusterStatus(status);
  }

  button.addEventListener('click', async () => {
    const path = button.dataset.path;
    if (!path || button.getAttribute('aria-busy') === 'true') return;
    if (path === API.clusterReset && !confirm('Dein Cluster wird gelöscht und neu erstellt. Alles darin geht verloren. Fortfahren?')) return;
    button.setAttribute('aria-busy', 'true');
    button.setAttribute('aria-disabled', 'true');
    try {
      const response = await fetch(path, { method: 'POST', credentials: 'same-origin' });
      const body = (await response.json()) as ClusterResponse;
      if (body.cluster) render(body.cluster);
      else if (!body.ok) summary.textContent = body.error;
      // The first POST may have given this browser its learner cookie: listen again with it.
      listen();
    } catch {
      summary.textContent = 'Der Runner antwortet nicht. Prüfe, ob „./werkbank start“ noch läuft, und lade die Seite neu.';
    } finally {
      // A transient phase rendered meanwhile keeps the button busy until its next status.
      if (button.dataset.path) {
        button.removeAttribute('aria-busy');
        button.removeAttribute('aria-disabled');
      }
    }
  });

  let events: EventSource | null = null;
  function listen(): void {
    events?.close();
    events = new EventSource(API.clusterEvents);
    events.addEventListener(CLUSTER_STATUS_EVENT, (event) => render(JSON.parse((event as MessageEvent<string>).data) as ClusterStatusEvent));
  }
  listen();
  const preparationBox = panel.querySelector<HTMLElement>('.wb-preparation');
  if (preparationBox) {
    watchPreparation(preparationBox, (next) => {
      const wasReady = preparation?.terminalReady ?? false;
      preparation = next;
      if (state.status) render(state.status);
      followInTerminal(next, wasReady);
    });
  }
  // The running step's seconds keep counting between events.
  setInterval(() => {
    if (state.status?.phase === 'creating') render(state.status);
  }, 1000);
}
