// What an instructor sees when building the site: a lesson written without import lines
// gets its lab components and the step's solution script; a lesson that disagrees with
// its lab fails the build with file and line. Each test builds a tiny Astro site with the
// same integration the course uses.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { mdxToJs } from 'satteri';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../runner/config.ts';
import type { LoadedLab } from '../runner/labs/load.ts';
import { labMarkupPlugin } from './lab-components.ts';

const run = promisify(execFile);
// Inside the site's cache folder: Vite resolves the packages from here, and the site's
// input hash in ./werkbank leaves the folder out.
const scratch = join(repoRoot, 'site', '.astro');
const made: string[] = [];

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

const labTs = (steps: string[]) => `import { defineLab } from ${JSON.stringify(join(repoRoot, 'labs', 'define.ts'))};
export default defineLab({
  id: 'beispiel',
  title: 'Beispiel',
  lesson: 'lektion',
  needs: 'cluster',
  namespace: 'beispiel',
  steps: [
${steps
  .map(
    (id) => `    {
      id: '${id}',
      title: 'Schritt ${id}',
      checks: [{ check: 'namespace-exists', params: { name: 'beispiel' } }],
      hint: 'Mit \`kubectl create namespace\` geht es.',
      solution: 'solutions/${id}.sh',
    },`,
  )
  .join('\n')}
  ],
});
`;

interface Site {
  lessons: Record<string, string>;
  steps?: string[];
}

async function build(site: Site): Promise<{ ok: boolean; output: string; page: (name: string) => Promise<string> }> {
  await mkdir(scratch, { recursive: true });
  const root = await mkdtemp(join(scratch, 'lab-build-'));
  made.push(root);
  const labDir = join(root, 'labs', 'beispiel');
  await mkdir(join(labDir, 'solutions'), { recursive: true });
  const steps = site.steps ?? ['eins'];
  await writeFile(join(labDir, 'lab.ts'), labTs(steps));
  for (const id of steps) {
    await writeFile(join(labDir, 'solutions', `${id}.sh`), `# Only for instructors.\nkubectl create namespace beispiel-${id}\nkubectl get namespace beispiel-${id}\n`);
  }
  // The lessons are the site's pages here, so the build renders them as they are.
  const pages = join(root, 'src', 'pages');
  await mkdir(pages, { recursive: true });
  for (const [name, text] of Object.entries(site.lessons)) await writeFile(join(pages, `${name}.mdx`), text);
  await writeFile(
    join(root, 'astro.config.ts'),
    `import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import expressiveCode from 'astro-expressive-code';
import { labComponents } from ${JSON.stringify(join(repoRoot, 'site', 'lab-components.ts'))};
export default defineConfig({
  integrations: [labComponents({ labsDir: ${JSON.stringify(join(root, 'labs'))}, lessonsDir: ${JSON.stringify(pages)} }), expressiveCode(), mdx()],
});
`,
  );
  const astro = join(repoRoot, 'node_modules', '.bin', 'astro');
  try {
    const { stdout, stderr } = await run(astro, ['build', '--root', root], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
    return { ok: true, output: stdout + stderr, page: (name) => readFile(join(root, 'dist', name, 'index.html'), 'utf8') };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr, page: () => Promise.reject(new Error('kein Build')) };
  }
}

const lesson = (body: string) => `---\ntitle: Lektion\n---\n\nEinleitung.\n\n${body}`;

describe('lessons and labs in the site build', () => {
  test('lessons with and without import lines render their steps, the lab hint and the solution script', async () => {
    const imports = ['Lab', 'Step', 'Hint', 'Solution']
      .map((name) => `import ${name} from ${JSON.stringify(join(repoRoot, 'site', 'src', 'components', 'lab', `${name}.astro`))};`)
      .join('\n');
    const result = await build({
      lessons: {
        lektion: lesson('<Lab id="beispiel">\n\n<Step id="eins">\n\nLeg den Namespace an.\n\n<Hint />\n\n<Solution>\n\nDanach gibt es ihn.\n\n</Solution>\n\n</Step>\n\n</Lab>\n'),
        importiert: lesson(`${imports}\n\n<Lab id="beispiel">\n\n<Step id="eins">\n\n<Solution />\n\n</Step>\n\n</Lab>\n`),
      },
    });
    expect(result.ok, result.output).toBe(true);
    const html = await result.page('lektion');
    expect(html).toContain('data-step="eins"');
    expect(html).toContain('<code>kubectl create namespace</code>');
    const solution = html.slice(html.indexOf('data-reveal="solution"'));
    // The script's commands (as the page highlights them), not its comment for instructors.
    expect(solution.replace(/<[^>]+>/g, '')).toContain('kubectl create namespace beispiel-eins');
    expect(solution).not.toContain('Only for instructors');
    expect(solution).toContain('Danach gibt es ihn.');
    expect((await result.page('importiert')).replace(/<[^>]+>/g, '')).toContain('kubectl get namespace beispiel-eins');
  });

  test('a Step the lab does not have fails the build with file and line', async () => {
    const result = await build({
      lessons: { lektion: lesson('<Lab id="beispiel">\n\n<Step id="eins">\n</Step>\n\n<Step id="zwei">\n</Step>\n\n</Lab>\n') },
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/lab-build-\w+\/src\/pages\/lektion\.mdx:12: <Step id="zwei"> gibt es in labs\/beispiel\/lab\.ts nicht/);
  });

  test('a lab whose lesson lacks a step, or has no lesson at all, fails the build', async () => {
    const missingStep = await build({ steps: ['eins', 'zwei'], lessons: { lektion: lesson('<Lab id="beispiel">\n\n<Step id="eins">\n</Step>\n\n</Lab>\n') } });
    expect(missingStep.ok).toBe(false);
    expect(missingStep.output).toMatch(/labs\/beispiel\/lab\.ts:\d+: Schritt zwei: .*lektion\.mdx enthält kein <Step id="zwei">/);
    const noLesson = await build({ lessons: { andere: lesson('Keine Übung hier.\n') } });
    expect(noLesson.ok).toBe(false);
    expect(noLesson.output).toMatch(/labs\/beispiel\/lab\.ts:5: Die Lektion .*lektion\.mdx gibt es nicht/);
  });

  test('the lesson compiler checks each lesson too (the dev server recompiles one at a time)', () => {
    const loaded: LoadedLab = {
      dir: join(repoRoot, 'labs', 'beispiel'),
      lab: { id: 'beispiel', title: 'B', lesson: 'lektion', needs: 'cluster', namespace: 'beispiel', steps: [{ id: 'eins', title: 'E', hint: 'H', solution: 's.sh', checks: [{ check: 'namespace-exists', params: {} }] }] },
    };
    const lessonsDir = join(repoRoot, 'lessons');
    const compile = (source: string) =>
      mdxToJs(source, { mdastPlugins: [labMarkupPlugin([loaded], lessonsDir)], fileURL: pathToFileURL(join(lessonsDir, 'lektion.mdx')) });
    expect(() => compile('<Lab id="beispiel">\n\n<Step id="eins">\n</Step>\n\n<Step id="zwei">\n</Step>\n\n</Lab>\n')).toThrow(
      'lessons/lektion.mdx:6: <Step id="zwei"> gibt es in labs/beispiel/lab.ts nicht (dort: eins).',
    );
    expect(() => compile('<Lab id="beispiel">\n\n</Lab>\n')).toThrow('lessons/lektion.mdx:1: <Lab id="beispiel"> fehlt <Step id="eins"> aus labs/beispiel/lab.ts.');
  });
});
