// Brings a lesson's labs to life: "Prüfen" runs the step's checks in the learner's
// cluster and shows the answer, each step shows its last state, the progress bar follows,
// and opening a hint or solution is recorded once.
import {
  attemptsText,
  checkStep,
  isLabProgress,
  LAB_NEEDS_CLUSTER_MESSAGE,
  labProgress,
  labScope,
  passedCount,
  revealHelp,
  startLab,
  STEP_NEEDS_CLUSTER_MESSAGE,
  type ApiFailure,
  type CheckResponse,
  type LabProgressView,
  type LabScopeResponse,
  type StepProgressView,
} from './api.ts';
import type { ClusterStatus } from '../../../../runner/http/contract.ts';
import { followClusterStatus } from '../cluster/cluster-status.ts';

declare global {
  interface Window {
    /** For browser tests: the last progress each lab on the page showed. */
    werkbankLabs?: Record<string, LabProgressView | null>;
  }
}

const BUTTON_LABEL = 'Prüfen';
const BUSY_LABEL = 'Wird geprüft …';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function stepsOf(lab: HTMLElement): HTMLElement[] {
  return [...lab.querySelectorAll<HTMLElement>('.wb-step[data-step]')].filter((step) => step.closest('.wb-lab') === lab);
}

/** The line beside "Prüfen": done or how many tries so far. */
function renderStepState(step: HTMLElement, progress: StepProgressView | undefined): void {
  const state = step.querySelector<HTMLElement>('.wb-step-state');
  if (!state) return;
  step.dataset.passed = String(progress?.passed === true);
  if (!progress || progress.attempts === 0) {
    state.textContent = '';
    return;
  }
  state.textContent = progress.passed
    ? `✓ Geschafft (${attemptsText(progress.attempts)})`
    : `Noch offen – bisher ${attemptsText(progress.attempts)}`;
}

function renderProgressBar(lab: HTMLElement, progress: LabProgressView | null): void {
  const box = lab.querySelector<HTMLElement>('.wb-lab-progress');
  const bar = box?.querySelector('progress');
  const text = box?.querySelector<HTMLElement>('.wb-lab-progress-text');
  if (!box || !bar || !text) return;
  if (!progress) {
    box.hidden = true;
    return;
  }
  const total = progress.steps.length || stepsOf(lab).length;
  const done = passedCount(progress);
  bar.max = Math.max(total, 1);
  bar.value = done;
  text.textContent = `${done} von ${total} ${total === 1 ? 'Schritt' : 'Schritten'} geschafft`;
  box.hidden = false;
  lab.dataset.complete = String(total > 0 && done === total);
}

function applyProgress(lab: HTMLElement, progress: LabProgressView, showLastResults = false): void {
  const byId = new Map(progress.steps.map((step) => [step.id, step]));
  for (const step of stepsOf(lab)) {
    const stepProgress = byId.get(step.dataset.step ?? '');
    renderStepState(step, stepProgress);
    if (showLastResults) showLastCheck(step, stepProgress);
    for (const help of step.querySelectorAll<HTMLDetailsElement>('details[data-reveal]')) {
      const what = help.dataset.reveal;
      if ((what === 'hint' && stepProgress?.hintRevealed) || (what === 'solution' && stepProgress?.solutionRevealed)) {
        help.dataset.recorded = 'true';
      }
    }
  }
  renderProgressBar(lab, progress);
  (window.werkbankLabs ??= {})[progress.lab] = progress;
}

async function refreshProgress(lab: HTMLElement, labId: string, showLastResults = false): Promise<void> {
  const result = await labProgress(labId);
  if (result.ok && isLabProgress(result.value)) applyProgress(lab, result.value, showLastResults);
  else (window.werkbankLabs ??= {})[labId] = null;
}

/** What a check's answer and a step's last results have in common. */
type CheckOutcome = Pick<CheckResponse, 'passed' | 'results'>;

function showPassed(box: HTMLElement, response: CheckOutcome): void {
  box.dataset.outcome = 'passed';
  const list = element('ul', 'wb-check-list');
  for (const result of response.results) list.append(element('li', 'wb-check-item', `✓ ${result.message}`));
  box.replaceChildren(element('p', 'wb-check-title', 'Geschafft'), list);
}

function showFailed(box: HTMLElement, response: CheckOutcome): void {
  box.dataset.outcome = 'failed';
  const list = element('ul', 'wb-check-list');
  // What is still wrong first: that is what the learner works on next.
  const ordered = [...response.results].sort((a, b) => Number(a.passed) - Number(b.passed));
  for (const result of ordered) {
    const item = element('li', 'wb-check-item');
    item.dataset.passed = String(result.passed);
    item.append(element('span', 'wb-check-message', `${result.passed ? '✓' : '✗'} ${result.message}`));
    if (!result.passed && result.hint) item.append(element('span', 'wb-check-hint', `Tipp: ${result.hint}`));
    list.append(item);
  }
  const failing = response.results.filter((result) => !result.passed).length;
  const title = failing === 1 ? 'Noch nicht geschafft – eine Prüfung schlägt fehl:' : `Noch nicht geschafft – ${failing} Prüfungen schlagen fehl:`;
  box.replaceChildren(element('p', 'wb-check-title', title), list);
}

/** After a reload: what the last check said, so the learner knows where they left off. */
function showLastCheck(step: HTMLElement, progress: StepProgressView | undefined): void {
  const box = step.querySelector<HTMLElement>('.wb-check-result');
  const results = progress?.lastResults;
  if (!box || !progress || !results || results.length === 0 || box.dataset.outcome) return;
  // The step may have passed once and failed since: the last results decide the colour.
  const passed = results.every((result) => result.passed);
  const response: CheckOutcome = { passed, results };
  if (passed) showPassed(box, response);
  else showFailed(box, response);
  box.prepend(element('p', 'wb-check-when', 'Ergebnis deiner letzten Prüfung:'));
}

/** The cluster panel lives in the terminal dock; open the dock and put the focus there. */
function goToClusterPanel(): void {
  if (document.documentElement.dataset.wbDockCollapsed === 'true') {
    document.querySelector<HTMLButtonElement>('#wb-terminal [data-action="collapse"]')?.click();
  }
  const panel = document.querySelector<HTMLElement>('.wb-cluster');
  if (!panel) return;
  panel.scrollIntoView({ block: 'nearest' });
  const action = panel.querySelector<HTMLButtonElement>('.wb-cluster-action');
  if (action && !action.hidden) action.focus();
  else {
    panel.tabIndex = -1;
    panel.focus();
  }
}

/** "Start your cluster" would send the learner looking for a button that this runner
 * does not show: it gives out no clusters (WERKBANK_CLUSTER_PROVIDER=none). */
const NO_CLUSTERS_HERE =
  'Dieser Runner stellt keine eigenen Cluster bereit, darum lässt sich der Schritt hier nicht prüfen. Frag deine Kursleitung nach einem Runner mit Clustern.';

function showFailure(box: HTMLElement, failure: ApiFailure): void {
  box.dataset.outcome = failure.kind;
  const noClustersHere = failure.kind === 'no-cluster' && window.werkbankCluster?.status?.provider === 'none';
  const parts: HTMLElement[] = [element('p', 'wb-check-title', noClustersHere ? NO_CLUSTERS_HERE : failure.message)];
  // Only when this runner gives out clusters (the panel hides itself otherwise).
  if (failure.kind === 'no-cluster' && document.querySelector('.wb-cluster:not([hidden])')) {
    const go = element('button', 'wb-check-link', 'Zum Cluster-Bereich am Terminal');
    go.type = 'button';
    go.addEventListener('click', goToClusterPanel);
    parts.push(go);
  }
  box.replaceChildren(...parts);
}

function wireStep(lab: HTMLElement, labId: string, step: HTMLElement): void {
  const stepId = step.dataset.step;
  const button = step.querySelector<HTMLButtonElement>('.wb-check-button');
  const box = step.querySelector<HTMLElement>('.wb-check-result');
  if (!stepId || !button || !box) return;

  button.addEventListener('click', async () => {
    // Busy but not `disabled`: a disabled button loses the keyboard focus to the page.
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    button.textContent = BUSY_LABEL;
    box.setAttribute('aria-busy', 'true');
    box.dataset.outcome = 'busy';
    box.replaceChildren(element('p', 'wb-check-title', BUSY_LABEL));
    try {
      const result = await checkStep(labId, stepId);
      if (!result.ok) showFailure(box, result.failure);
      else if (result.value.passed) showPassed(box, result.value);
      else showFailed(box, result.value);
      if (result.ok && isLabProgress(result.value.progress)) applyProgress(lab, result.value.progress);
      else if (result.ok) await refreshProgress(lab, labId);
    } finally {
      box.removeAttribute('aria-busy');
      button.removeAttribute('aria-busy');
      button.removeAttribute('aria-disabled');
      button.textContent = BUTTON_LABEL;
    }
  });

  for (const help of step.querySelectorAll<HTMLDetailsElement>('details[data-reveal]')) {
    const what = help.dataset.reveal;
    if (what !== 'hint' && what !== 'solution') continue;
    help.addEventListener('toggle', () => {
      if (!help.open || help.dataset.recorded) return;
      // Set before the request: a quick close and reopen must not record twice.
      help.dataset.recorded = 'true';
      void revealHelp(labId, stepId, what).then((result) => {
        if (!result.ok) delete help.dataset.recorded;
      });
    });
  }
}

/** In learner mode "namespace": a step that needs a cluster of its own says so where
 * "Prüfen" would be (it could only fail here). */
function markNeedsCluster(step: HTMLElement, message: string): void {
  const row = step.querySelector<HTMLElement>('.wb-check-row');
  if (!row) return;
  step.dataset.needsCluster = 'true';
  row.querySelector('.wb-check-button')?.remove();
  row.prepend(element('p', 'wb-needs-cluster', message));
}

/** "Dein Namespace: …, schon eingestellt", so the lesson's `-n <lab>` makes sense. */
function showNamespace(line: HTMLElement, scope: LabScopeResponse): void {
  line.replaceChildren(
    document.createTextNode('Dein Namespace: '),
    element('code', 'wb-lab-namespace-name', scope.namespace ?? ''),
    document.createTextNode(
      `, schon eingestellt – kubectl arbeitet dort auch ohne -n. Wo die Lektion „-n ${scope.labNamespace}“ schreibt oder den Namespace ${scope.labNamespace} anlegt, lass das weg: in diesem Kurs arbeitest du in deinem eigenen Namespace.`,
    ),
  );
  line.hidden = false;
}

/** Starts a namespace lab in the learner's session (makes their namespace for it and
 * their default): at once when the session runs as the page opens, by itself as soon as
 * it is ready when that comes later (a session pod still starting, a learner waiting for
 * a seat), or with "Lab starten". One start at a time, and one per ready session: after a
 * reset or an idle deletion the next session gets the namespace again. */
class NamespaceLabStart {
  private busy = false;
  /** Started in the session that is ready now. */
  private started = false;
  /** The page heard "ready" for the current session: any other phase after it means that
   * session is gone (reset, idle deletion) and the next one is another. */
  private sawReady = false;
  /** Counts sessions gone, so a start that ends in a later session is not taken for its. */
  private session = 0;

  private readonly line: HTMLElement;
  private readonly labId: string;

  constructor(line: HTMLElement, labId: string) {
    this.line = line;
    this.labId = labId;
  }

  async start(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const session = this.session;
    this.line.querySelector('.wb-lab-start')?.setAttribute('aria-busy', 'true');
    try {
      const result = await startLab(this.labId);
      if (result.ok) {
        this.started = session === this.session;
        showNamespace(this.line, result.value);
      } else this.showButton(result.failure.message);
    } finally {
      this.busy = false;
    }
    // The session was replaced while this start ran, and the new one is ready already:
    // its "ready" found this start busy, so it gets its own start now.
    if (session !== this.session && this.sawReady && !this.started) void this.start();
  }

  showButton(failure?: string): void {
    const button = element('button', 'wb-lab-start', 'Lab starten');
    button.type = 'button';
    button.addEventListener('click', () => void this.start());
    this.line.replaceChildren(
      element('span', 'wb-lab-start-text', failure ?? 'Diese Übung bekommt einen eigenen Namespace für dich, sobald deine Sitzung bereit ist.'),
      document.createTextNode(' '),
      button,
    );
    this.line.hidden = false;
  }

  /** Every status of the learner's session the page hears of. */
  follow(status: ClusterStatus): void {
    if (status.phase === 'ready') {
      this.sawReady = true;
      if (!this.started) void this.start();
    } else if (this.sawReady) {
      this.sawReady = false;
      this.started = false;
      this.session += 1;
    }
  }
}

/** Where the lab works for this learner; in a shared cluster (learner mode "namespace")
 * the steps that need a cluster of their own are marked, and the lab is started in the
 * learner's namespace for it (see NamespaceLabStart). */
async function applyScope(lab: HTMLElement, labId: string): Promise<void> {
  const result = await labScope(labId);
  if (!result.ok || !result.value.shared) return;
  const scope = result.value;
  lab.dataset.shared = 'true';
  const clusterSteps = new Set(scope.clusterSteps);
  for (const step of stepsOf(lab)) {
    if (scope.needs === 'cluster' || clusterSteps.has(step.dataset.step ?? '')) markNeedsCluster(step, STEP_NEEDS_CLUSTER_MESSAGE);
  }
  const line = lab.querySelector<HTMLElement>('.wb-lab-namespace');
  if (!line) return;
  if (scope.needs === 'cluster') {
    line.replaceChildren(element('strong', 'wb-needs-cluster', LAB_NEEDS_CLUSTER_MESSAGE));
    line.hidden = false;
    return;
  }
  const starter = new NamespaceLabStart(line, labId);
  // Known (the session runs): started before following, so the session's first "ready"
  // finds this start under way instead of making a second one.
  if (scope.namespace) void starter.start();
  else starter.showButton();
  followClusterStatus((status) => starter.follow(status));
}

export function mountLab(lab: HTMLElement): void {
  const labId = lab.dataset.lab;
  if (!labId) return;
  for (const step of stepsOf(lab)) wireStep(lab, labId, step);
  void refreshProgress(lab, labId, true);
  void applyScope(lab, labId);
}

export function mountLabs(root: ParentNode = document): void {
  for (const lab of root.querySelectorAll<HTMLElement>('.wb-lab[data-lab]')) mountLab(lab);
}
