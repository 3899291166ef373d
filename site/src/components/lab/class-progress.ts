// The instructor page: asks once for the instructor token (kept in sessionStorage, so it
// leaves with the tab), then shows every lab as a table of learners × steps and keeps it
// fresh by asking the runner every few seconds.
import { API, type AuthMeResponse } from '../../../../runner/http/contract.ts';
import { NETWORK_MESSAGE } from './api.ts';

const TOKEN_KEY = 'werkbank.lehrende.token';
const REFRESH_MS = 4000;

interface StepCell {
  passed: boolean;
  attempts: number;
  hintRevealed: boolean;
  solutionRevealed: boolean;
}

interface ClassLab {
  lab: string;
  title: string;
  steps: { id: string; title: string }[];
}

interface ClassLearner {
  id: string;
  name: string;
  /** lab id → step id → state */
  cells: Map<string, Map<string, StepCell>>;
}

interface ClassMatrix {
  labs: ClassLab[];
  learners: ClassLearner[];
}

type Loaded = { ok: true; matrix: ClassMatrix } | { ok: false; status: number; message: string };

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function stepCells(steps: unknown): Map<string, StepCell> {
  const cells = new Map<string, StepCell>();
  const list = Array.isArray(steps) ? steps : Object.entries(asRecord(steps)).map(([id, cell]) => ({ id, ...asRecord(cell) }));
  for (const raw of list) {
    const step = asRecord(raw);
    const id = String(step.id ?? step.step ?? '');
    if (id) {
      cells.set(id, {
        passed: step.passed === true,
        attempts: Number(step.attempts ?? 0) || 0,
        hintRevealed: step.hintRevealed === true,
        solutionRevealed: step.solutionRevealed === true,
      });
    }
  }
  return cells;
}

/** The runner's class matrix, read tolerantly: labs and learners, each learner's labs as a
 * list or a map. */
export function readMatrix(body: unknown): ClassMatrix {
  const root = asRecord(body);
  const labs: ClassLab[] = (Array.isArray(root.labs) ? root.labs : []).map((raw) => {
    const lab = asRecord(raw);
    const steps = (Array.isArray(lab.steps) ? lab.steps : []).map((rawStep) => {
      const step = asRecord(rawStep);
      const id = String(step.id ?? step.step ?? '');
      return { id, title: String(step.title ?? id) };
    });
    const id = String(lab.lab ?? lab.id ?? '');
    return { lab: id, title: String(lab.title ?? id), steps };
  });
  const learners: ClassLearner[] = (Array.isArray(root.learners) ? root.learners : []).map((raw) => {
    const learner = asRecord(raw);
    const id = String(learner.learner ?? learner.learnerId ?? learner.id ?? '');
    const cells = new Map<string, Map<string, StepCell>>();
    const learnerLabs = learner.labs ?? learner.progress;
    if (Array.isArray(learnerLabs)) {
      for (const rawLab of learnerLabs) {
        const lab = asRecord(rawLab);
        cells.set(String(lab.lab ?? lab.id ?? ''), stepCells(lab.steps));
      }
    } else {
      for (const [labId, lab] of Object.entries(asRecord(learnerLabs))) {
        const value = asRecord(lab);
        cells.set(labId, stepCells(value.steps ?? value));
      }
    }
    const name = typeof learner.name === 'string' && learner.name ? learner.name : `Lernende ${id.slice(0, 6)}`;
    return { id, name, cells };
  });
  return { labs, learners };
}

/** Lab ids in the order their lessons come in the course (built into the page). */
function courseOrder(box: HTMLElement): string[] {
  return (box.dataset.labOrder ?? '').split(' ').filter(Boolean);
}

/** The runner lists labs by id; instructors think in the course's order. Labs no lesson
 * uses come last, by id. */
export function inCourseOrder(labs: ClassLab[], order: string[]): ClassLab[] {
  const rank = (lab: ClassLab) => {
    const index = order.indexOf(lab.lab);
    return index === -1 ? order.length : index;
  };
  return [...labs].sort((a, b) => rank(a) - rank(b) || a.lab.localeCompare(b.lab));
}

async function loadMatrix(token: string | null): Promise<Loaded> {
  let response: Response;
  try {
    // Without a token the instructor's sign-in session (when the runner has sign-in) decides.
    response = await fetch(API.classProgress, { headers: token ? { Authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, message: NETWORK_MESSAGE };
  }
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = asRecord(body).error;
    return { ok: false, status: response.status, message: typeof error === 'string' ? error : `Fehler ${response.status}` };
  }
  return { ok: true, matrix: readMatrix(body) };
}

async function signInEnabled(): Promise<boolean> {
  try {
    const response = await fetch(API.authMe, { cache: 'no-store' });
    return response.ok && ((await response.json()) as AuthMeResponse).enabled === true;
  } catch {
    return false;
  }
}

function cellText(cell: StepCell | undefined): string {
  if (!cell) return '–';
  const verdict = cell.attempts === 0 && !cell.passed ? '–' : cell.passed ? `✓ (${cell.attempts})` : `✗ ${cell.attempts}`;
  // Who needed help is worth knowing; the solution says more than the hint.
  const help = cell.solutionRevealed ? ' · Lösung' : cell.hintRevealed ? ' · Hinweis' : '';
  return verdict + help;
}

function labTable(lab: ClassLab, learners: ClassLearner[]): HTMLElement {
  const section = document.createElement('section');
  section.dataset.lab = lab.lab;
  const heading = document.createElement('h2');
  heading.textContent = lab.title;
  const table = document.createElement('table');
  table.className = 'wb-progress-table';
  const caption = document.createElement('caption');
  caption.className = 'sr-only';
  caption.textContent = `${lab.title}: Lernende und Schritte. ✓ geschafft (Versuche), ✗ Versuche ohne Erfolg, – noch nicht geprüft; „Hinweis“ oder „Lösung“: angesehen.`;
  const head = table.createTHead().insertRow();
  for (const title of ['Lernende', ...lab.steps.map((step) => step.title), 'Geschafft']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const learner of learners) {
    const steps = learner.cells.get(lab.lab);
    const row = body.insertRow();
    row.dataset.learner = learner.id;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = learner.name;
    th.title = learner.id;
    row.append(th);
    let done = 0;
    for (const step of lab.steps) {
      const cell = steps?.get(step.id);
      if (cell?.passed) done += 1;
      const td = row.insertCell();
      td.dataset.step = step.id;
      td.dataset.passed = String(cell?.passed === true);
      td.dataset.tried = String((cell?.attempts ?? 0) > 0);
      td.textContent = cellText(cell);
    }
    row.insertCell().textContent = `${done} von ${lab.steps.length}`;
  }
  table.prepend(caption);
  section.append(heading, table);
  return section;
}

export function mountClassProgress(root: Document): void {
  const form = root.querySelector<HTMLFormElement>('.wb-token-form');
  const status = root.querySelector<HTMLElement>('.wb-class-status');
  const bar = root.querySelector<HTMLElement>('.wb-class-bar');
  const matrixBox = root.querySelector<HTMLElement>('.wb-class-matrix');
  // Not a live region: a screen reader should not announce the clock every few seconds.
  const updated = root.querySelector<HTMLElement>('.wb-class-updated');
  if (!form || !status || !bar || !matrixBox || !updated) return;
  let timer: number | undefined;

  const askForToken = (message: string) => {
    window.clearTimeout(timer);
    sessionStorage.removeItem(TOKEN_KEY);
    form.hidden = false;
    bar.hidden = true;
    matrixBox.replaceChildren();
    updated.textContent = '';
    status.textContent = message;
  };

  const refresh = async () => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    // With sign-in on the runner, an instructor's session needs no token.
    const loaded = token || (await signInEnabled()) ? await loadMatrix(token) : null;
    if (!loaded || (!token && !loaded.ok)) return askForToken('Gib das Token für Lehrende ein. Der Runner nennt es beim Start; es steht auch in der Datei „instructor-token“ in seinem Datenverzeichnis.');
    if (!loaded.ok && (loaded.status === 401 || loaded.status === 403)) {
      return askForToken(`Das Token stimmt nicht (${loaded.message}). Gib es noch einmal ein.`);
    }
    form.hidden = true;
    bar.hidden = false;
    if (loaded.ok) {
      const { labs, learners } = loaded.matrix;
      matrixBox.replaceChildren(...inCourseOrder(labs, courseOrder(matrixBox)).map((lab) => labTable(lab, learners)));
      const time = new Date().toLocaleTimeString('de-DE');
      if (status.textContent !== '') status.textContent = '';
      updated.textContent =
        learners.length === 0
          ? `Noch hat niemand eine Übung geprüft. Stand: ${time}`
          : `${learners.length === 1 ? '1 Lernende·r' : `${learners.length} Lernende`}, Stand: ${time} (aktualisiert sich alle ${REFRESH_MS / 1000} s)`;
    } else {
      // Keep the last table; say why it is not fresh and try again on the next tick.
      status.textContent = `${loaded.message} Neuer Versuch in ${REFRESH_MS / 1000} s.`;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), REFRESH_MS);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = String(new FormData(form).get('token') ?? '').trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    form.reset();
    status.textContent = 'Lade …';
    void refresh();
  });
  bar.querySelector('[data-action="logout"]')?.addEventListener('click', () => askForToken('Token vergessen. Gib es ein, um die Klasse wieder zu sehen.'));
  void refresh();
}
