// `werkbank lab new <id>`: a lesson and its lab to start from, one step each, which
// `lab validate` and the site build accept as they are. The instructor then writes the
// text, the checks and the solution.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { repoRoot } from '../config.ts';
import { lessonFrontmatter } from './lesson-markup.ts';

export interface ScaffoldOptions {
  labsDir?: string;
  lessonsDir?: string;
}

export interface Scaffolded {
  /** Absolute paths of the files written. */
  files: string[];
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const FIRST_STEP = 'namespace';

/** The next free place in the course: after the lesson with the highest `order`. */
async function nextOrder(lessonsDir: string): Promise<number> {
  let highest = 0;
  for (const name of (await readdir(lessonsDir)).filter((file) => file.endsWith('.mdx'))) {
    const order = lessonFrontmatter(await readFile(join(lessonsDir, name), 'utf8'))?.order;
    if (typeof order === 'number' && order > highest) highest = order;
  }
  return highest + 1;
}

function labSource(id: string, defineImport: string): string {
  return `import { defineLab } from '${defineImport}';

export default defineLab({
  id: '${id}',
  title: 'Titel der Übung',
  lesson: '${id}',
  // Decide: 'namespace' when every step works in one restricted namespace of the
  // learner's (Pod Security "restricted", a quota, no rights outside it); 'cluster' when
  // the lab makes namespaces or other cluster-wide objects, uses Docker or the nodes.
  // This first step makes a namespace, so it needs a cluster of its own.
  needs: 'cluster',
  namespace: '${id}',
  steps: [
    {
      id: '${FIRST_STEP}',
      title: 'Den Namespace anlegen',
      checks: [{ check: 'namespace-exists', params: { name: '${id}' } }],
      hint: 'Mit \`kubectl create namespace ${id}\` legst du ihn an.',
      solution: 'solutions/${FIRST_STEP}.sh',
    },
  ],
});
`;
}

function lessonSource(id: string, order: number): string {
  return `---
title: Titel der Lektion
description: Ein Satz, was Lernende hier tun und können werden.
order: ${order}
duration: 30
lab: ${id}
---

Worum es geht, in zwei, drei Sätzen.

## Lernziele

Nach dieser Lektion kannst du …

- …

## Übung

<Lab id="${id}">

<Step id="${FIRST_STEP}">

### 1. Den Namespace anlegen

Leg den Namespace \`${id}\` an.

<Hint />

<Solution />

</Step>

</Lab>
`;
}

/** Writes lessons/<id>.mdx and labs/<id>/ (lab.ts, one solution); refuses to overwrite. */
export async function scaffoldLab(id: string, options: ScaffoldOptions = {}): Promise<Scaffolded> {
  const labsDir = options.labsDir ?? join(repoRoot, 'labs');
  const lessonsDir = options.lessonsDir ?? join(repoRoot, 'lessons');
  if (!KEBAB.test(id)) throw new Error(`"${id}" taugt nicht als Lab-ID: nimm Kleinbuchstaben, Ziffern und Bindestriche, z. B. "netzwerk-grundlagen".`);
  const labDir = join(labsDir, id);
  const lessonFile = join(lessonsDir, `${id}.mdx`);
  for (const path of [labDir, lessonFile]) {
    if (existsSync(path)) throw new Error(`${relative(process.cwd(), path)} gibt es schon; wähle eine andere ID oder bearbeite die vorhandenen Dateien.`);
  }
  const defineImport = relative(labDir, join(repoRoot, 'labs', 'define.ts'));
  const files = {
    [join(labDir, 'lab.ts')]: labSource(id, defineImport.startsWith('.') ? defineImport : `./${defineImport}`),
    [join(labDir, 'solutions', `${FIRST_STEP}.sh`)]: `kubectl create namespace ${id}\nkubectl get namespace ${id}\n`,
    [lessonFile]: lessonSource(id, await nextOrder(lessonsDir)),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text, { flag: 'wx' });
  }
  return { files: Object.keys(files) };
}
