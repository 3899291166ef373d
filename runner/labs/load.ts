// Finds and validates every lab under labs/: the definition's shape, the checks it names
// and their parameters, the files it points to, the manifests' YAML, and the markers in
// its lesson. Every problem names the file and line an instructor has to fix.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseAllDocuments } from 'yaml';
import { findCheck, UnknownCheckError } from '../../checks/index.ts';
import { describeIssues } from '../../checks/core.ts';
import { repoRoot } from '../config.ts';
import { lessonLabProblems, lessonMarkup, type LabSteps, type LessonMarkup } from './lesson-markup.ts';
import { labSchema, type Lab } from './schema.ts';
import { labScopeProblems } from './scope-problems.ts';

export interface LabProblem {
  /** Relative to the repository root. */
  file: string;
  line: number;
  message: string;
}

export interface LoadedLab {
  lab: Lab;
  /** Absolute path of labs/<id>/. */
  dir: string;
}

export interface LabCatalog {
  labs: LoadedLab[];
  problems: LabProblem[];
}

export interface LoadOptions {
  labsDir?: string;
  lessonsDir?: string;
}

/** 1-based line of the first occurrence of `needle` at or after line `from`, else `from`. */
function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  for (let index = from - 1; index < lines.length; index += 1) {
    if (lines[index]?.includes(needle)) return index + 1;
  }
  return from;
}

/** Where in lab.ts a zod issue path points: the step's `id:` line, then the check's. */
function lineForPath(source: string, raw: unknown, path: readonly PropertyKey[]): number {
  const steps = (raw as { steps?: { id?: unknown; checks?: { check?: unknown }[] }[] })?.steps;
  if (path[0] !== 'steps' || typeof path[1] !== 'number') {
    return typeof path[0] === 'string' ? lineOf(source, `${path[0]}:`) : 1;
  }
  const step = steps?.[path[1]];
  const stepLine = typeof step?.id === 'string' ? lineOf(source, `'${step.id}'`) : 1;
  if (path[2] === 'checks' && typeof path[3] === 'number') {
    const check = step?.checks?.[path[3]]?.check;
    return typeof check === 'string' ? lineOf(source, `'${check}'`, stepLine) : stepLine;
  }
  return typeof path[2] === 'string' ? lineOf(source, `${path[2]}:`, stepLine) : stepLine;
}

async function importDefinition(file: string): Promise<unknown> {
  const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default?: unknown };
  return module.default;
}

function manifestProblems(text: string, file: string): LabProblem[] {
  const lineCounter = new LineCounter();
  const problems: LabProblem[] = [];
  for (const document of parseAllDocuments(text, { lineCounter })) {
    for (const error of document.errors) {
      problems.push({ file, line: error.linePos?.[0].line ?? 1, message: `YAML-Fehler: ${error.message.split('\n')[0]}` });
    }
    if (document.errors.length > 0 || document.contents === null) continue;
    const object = document.toJS() as Record<string, unknown> | null;
    const line = lineCounter.linePos(document.contents.range?.[0] ?? document.range[0]).line;
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      problems.push({ file, line, message: 'Ein Manifest-Dokument muss ein Kubernetes-Objekt sein.' });
    } else if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push({ file, line, message: 'Dem Kubernetes-Objekt fehlt apiVersion oder kind.' });
    }
  }
  return problems;
}

/** A lesson's syntax tree, or undefined when the file does not exist. */
type LessonReader = (file: string) => Promise<LessonMarkup | undefined>;

async function validateLab(dir: string, id: string, lessonsDir: string, readLesson: LessonReader): Promise<{ lab?: Lab; problems: LabProblem[] }> {
  const file = join(dir, 'lab.ts');
  const shown = relative(repoRoot, file);
  const source = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = await importDefinition(file);
  } catch (error) {
    const line = /lab\.ts:(\d+)/.exec(String((error as Error).stack))?.[1];
    return { problems: [{ file: shown, line: line ? Number(line) : 1, message: `lab.ts lässt sich nicht laden: ${(error as Error).message}` }] };
  }
  const parsed = labSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        file: shown,
        line: lineForPath(source, raw, issue.path),
        message: issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
      })),
    };
  }
  const lab = parsed.data;
  const problems: LabProblem[] = [];
  const at = (needle: string, from = 1) => lineOf(source, needle, from);
  const inLab = (path: string) => join(dir, path);

  if (lab.id !== id) problems.push({ file: shown, line: at('id:'), message: `Die Lab-ID "${lab.id}" muss dem Verzeichnisnamen "${id}" entsprechen.` });

  const lessonFile = join(lessonsDir, `${lab.lesson}.mdx`);
  const markup = await readLesson(lessonFile);
  const stepsInLesson = new Set(markup?.labs.find((used) => used.id === lab.id)?.steps.map((step) => step.id));
  if (markup === undefined) problems.push({ file: shown, line: at('lesson:'), message: `Die Lektion lessons/${lab.lesson}.mdx gibt es nicht.` });

  for (const step of lab.steps) {
    const stepLine = at(`'${step.id}'`);
    for (const ref of step.checks) {
      const line = at(`'${ref.check}'`, stepLine);
      try {
        const check = findCheck(ref.check);
        const result = check.params.safeParse(ref.params);
        if (!result.success) {
          problems.push({ file: shown, line, message: `Schritt ${step.id}: Parameter für ${ref.check} ungültig: ${describeIssues(result.error).join('; ')}` });
        }
      } catch (error) {
        if (!(error instanceof UnknownCheckError)) throw error;
        problems.push({ file: shown, line, message: `Schritt ${step.id}: ${error.message}` });
      }
    }
    if (!existsSync(inLab(step.solution))) {
      problems.push({ file: shown, line: at(step.solution, stepLine), message: `Schritt ${step.id}: Die Lösung ${step.solution} fehlt in ${relative(repoRoot, dir)}/.` });
    }
    if (markup !== undefined && !markup.unreadable && !stepsInLesson.has(step.id)) {
      problems.push({
        file: shown,
        line: stepLine,
        message: `Schritt ${step.id}: lessons/${lab.lesson}.mdx enthält kein <Step id="${step.id}"> innerhalb von <Lab id="${lab.id}">.`,
      });
    }
  }
  for (const path of [...(lab.setup?.manifests ?? []), ...(lab.setup?.script ? [lab.setup.script] : []), ...(lab.files ?? [])]) {
    if (!existsSync(inLab(path))) problems.push({ file: shown, line: at(path), message: `Die Datei ${path} fehlt in ${relative(repoRoot, dir)}/.` });
  }
  for (const manifest of lab.setup?.manifests ?? []) {
    if (existsSync(inLab(manifest))) problems.push(...manifestProblems(await readFile(inLab(manifest), 'utf8'), relative(repoRoot, inLab(manifest))));
  }
  // Steps that work in a namespace of their own must not need the cluster.
  problems.push(...(await labScopeProblems(lab, dir)));
  return { lab, problems };
}

/** Every lab under labs/ with every problem found; a lab with problems is left out of `labs`. */
export async function loadLabs(options: LoadOptions = {}): Promise<LabCatalog> {
  const labsDir = options.labsDir ?? join(repoRoot, 'labs');
  const lessonsDir = options.lessonsDir ?? join(repoRoot, 'lessons');
  const entries = await readdir(labsDir, { withFileTypes: true });
  const catalog: LabCatalog = { labs: [], problems: [] };
  // Every lab that loaded, problems or not, by directory: lessons are compared with these.
  const parsed = new Map<string, LabSteps>();
  const broken = new Set<string>();
  // Each lesson is parsed once, for its lab and for the check of every lesson below.
  const lessons = new Map<string, Promise<LessonMarkup | undefined>>();
  const readLesson: LessonReader = (file) => {
    let markup = lessons.get(file);
    if (!markup) {
      markup = existsSync(file) ? readFile(file, 'utf8').then(lessonMarkup) : Promise.resolve(undefined);
      lessons.set(file, markup);
    }
    return markup;
  };
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(labsDir, entry.name);
    if (!existsSync(join(dir, 'lab.ts'))) continue;
    const { lab, problems } = await validateLab(dir, entry.name, lessonsDir, readLesson);
    catalog.problems.push(...problems);
    if (lab) parsed.set(entry.name, lab);
    else broken.add(entry.name);
    if (lab && problems.length === 0) catalog.labs.push({ lab, dir });
  }
  catalog.problems.push(...(await lessonProblems(lessonsDir, parsed, broken, readLesson)));
  return catalog;
}

/** Each lesson against the labs it uses (read from its syntax tree): a <Lab id="…"> needs
 * its labs/<id>/ (the page's "Prüfen" would answer 404), a <Step> a step of that lab. */
async function lessonProblems(lessonsDir: string, labs: ReadonlyMap<string, LabSteps>, broken: ReadonlySet<string>, readLesson: LessonReader): Promise<LabProblem[]> {
  const problems: LabProblem[] = [];
  for (const name of (await readdir(lessonsDir)).filter((file) => file.endsWith('.mdx')).sort()) {
    const file = join(lessonsDir, name);
    const markup = (await readLesson(file))!;
    for (const problem of lessonLabProblems(markup, name.replace(/\.mdx$/, ''), labs, { broken })) {
      problems.push({ file: relative(repoRoot, file), line: problem.line, message: problem.message });
    }
  }
  return problems;
}

export function formatProblem(problem: LabProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/** The labs a runner offers: a broken lab is reported and left out, the others still work. */
export async function loadOfferedLabs(): Promise<LoadedLab[]> {
  const catalog = await loadLabs();
  for (const problem of catalog.problems) console.error(`[labs] ${formatProblem(problem)}`);
  return catalog.labs;
}
