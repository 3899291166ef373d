// What an instructor sees after adding a lesson: it appears in the sidebar at the place
// its frontmatter's `order` gives it, titled as its `title` says, without anyone touching
// the sidebar. A tiny Starlight site built with the course's own sidebar and content
// collection, its lessons folder beside the site as in the repository.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../runner/config.ts';

const run = promisify(execFile);
// Inside the site's cache folder: Vite resolves the packages from here, and the site's
// input hash in ./werkbank leaves the folder out.
const scratch = join(repoRoot, 'site', '.astro');
const made: string[] = [];

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function build(lessons: Record<string, string>): Promise<{ ok: boolean; output: string; page: (path: string) => Promise<string> }> {
  await mkdir(scratch, { recursive: true });
  const root = await mkdtemp(join(scratch, 'sidebar-build-'));
  made.push(root);
  const site = join(root, 'site');
  const lessonsDir = join(root, 'lessons');
  await mkdir(join(site, 'src'), { recursive: true });
  await mkdir(lessonsDir);
  for (const [name, text] of Object.entries(lessons)) await writeFile(join(lessonsDir, `${name}.mdx`), text);
  await writeFile(
    join(site, 'astro.config.ts'),
    `import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { courseSidebar } from ${JSON.stringify(join(repoRoot, 'site', 'lessons.ts'))};
export default defineConfig({
  integrations: [
    starlight({
      title: 'Werkbank',
      defaultLocale: 'root',
      locales: { root: { label: 'Deutsch', lang: 'de' } },
      sidebar: courseSidebar(${JSON.stringify(site)}, ${JSON.stringify(lessonsDir)}),
    }),
    mdx(),
  ],
});
`,
  );
  await writeFile(
    join(site, 'src', 'content.config.ts'),
    `import { defineCollection } from 'astro:content';
import { lessonCollection } from ${JSON.stringify(join(repoRoot, 'site', 'lesson-collection.ts'))};
export const collections = { docs: defineCollection(lessonCollection(${JSON.stringify(lessonsDir)})) };
`,
  );
  const astro = join(repoRoot, 'node_modules', '.bin', 'astro');
  // As ./werkbank builds the site: vitest sets MODE=test, DEV=1 and the like in its
  // environment, and Vite would take them over (a build that keeps drafts).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL|VITEST.*|TEST)$/.test(name)));
  try {
    const { stdout, stderr } = await run(astro, ['build', '--root', site], { cwd: repoRoot, env: { ...env, NO_COLOR: '1' } });
    return { ok: true, output: stdout + stderr, page: (path) => readFile(join(site, 'dist', path, 'index.html'), 'utf8') };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr, page: () => Promise.reject(new Error('kein Build')) };
  }
}

const lesson = (frontmatter: string) => `---\n${frontmatter}\nduration: 20\n---\n\nText der Lektion.\n`;

/** The sidebar's links as a learner reads them, the current page marked with »…«. */
function sidebar(html: string): string[] {
  const nav = html.slice(html.indexOf('aria-label="Hauptnavigation"'), html.indexOf('class="main-frame'));
  return [...nav.matchAll(/<a href="([^"]+)"([^>]*)>\s*<span[^>]*>([^<]+)<\/span>/g)].map(([, href, attributes, label]) =>
    attributes?.includes('aria-current="page"') ? `»${label} ${href}«` : `${label} ${href}`,
  );
}

describe('the lessons in the sidebar', () => {
  test('a new lesson takes the place its order gives it, with its title; drafts stay out', async () => {
    const result = await build({
      grundlagen: lesson('title: Erste Schritte\norder: 1'),
      speicher: lesson('title: Daten speichern\norder: 3'),
      // Named to sort first: its place comes from `order`, not from the file name.
      'aa-neu': lesson('title: Neu dazwischen\norder: 2'),
      entwurf: lesson('title: Noch nicht fertig\norder: 2\ndraft: true'),
    });
    expect(result.ok, result.output).toBe(true);
    const page = await result.page('lektionen/speicher');
    expect(sidebar(page)).toEqual([
      'Kursübersicht /',
      'Erste Schritte /lektionen/grundlagen/',
      'Neu dazwischen /lektionen/aa-neu/',
      '»Daten speichern /lektionen/speicher/«',
      'Dein Fortschritt /fortschritt/',
      'Für Lehrende /lehrende/',
    ]);
    // The way back follows the same order.
    expect(page).toMatch(/<a href="\/lektionen\/aa-neu\/" rel="prev"/);
  });

  test('a lesson without its place in the course fails the build, naming the file and the field', async () => {
    const result = await build({ grundlagen: lesson('title: Erste Schritte') });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/lessons\/grundlagen\.mdx: Frontmatter-Feld order:/);
  });
});
