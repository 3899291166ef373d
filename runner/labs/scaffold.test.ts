// `werkbank lab new <id>` gives an instructor a lesson and a lab that are valid from the
// start: lab validate finds nothing, the lesson's frontmatter is what the site expects.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lessonFrontmatter as lessonFields } from '../../site/lessons.ts';
import { lessonFrontmatter } from './lesson-markup.ts';
import { formatProblem, loadLabs } from './load.ts';
import { scaffoldLab } from './scaffold.ts';

async function emptyCourse() {
  const root = await mkdtemp(join(tmpdir(), 'werkbank-scaffold-'));
  const dirs = { labsDir: join(root, 'labs'), lessonsDir: join(root, 'lessons') };
  await mkdir(dirs.labsDir);
  await mkdir(dirs.lessonsDir);
  return dirs;
}

describe('lab new', () => {
  test('writes a lesson and a lab that lab validate accepts, placed after the last lesson', async () => {
    const dirs = await emptyCourse();
    await writeFile(join(dirs.lessonsDir, 'vorher.mdx'), '---\ntitle: Vorher\norder: 7\nduration: 10\n---\n\nText.\n');
    const { files } = await scaffoldLab('netzwerk-grundlagen', dirs);
    expect(files.map((file) => file.slice(file.indexOf('/l')))).toEqual([
      '/labs/netzwerk-grundlagen/lab.ts',
      '/labs/netzwerk-grundlagen/solutions/namespace.sh',
      '/lessons/netzwerk-grundlagen.mdx',
    ]);
    const catalog = await loadLabs(dirs);
    expect(catalog.problems.map(formatProblem)).toEqual([]);
    expect(catalog.labs.map(({ lab }) => [lab.id, lab.lesson, lab.steps.map((step) => step.id)])).toEqual([['netzwerk-grundlagen', 'netzwerk-grundlagen', ['namespace']]]);
    const lesson = await readFile(join(dirs.lessonsDir, 'netzwerk-grundlagen.mdx'), 'utf8');
    // The fields the site holds every lesson to, and the place after the last lesson.
    expect(lessonFields.parse(lessonFrontmatter(lesson)).order).toBe(8);
    expect(lesson).not.toMatch(/^import /m);
  });

  test('refuses an id that is no kebab-case name, and one that exists', async () => {
    const dirs = await emptyCourse();
    await expect(scaffoldLab('Netzwerk', dirs)).rejects.toThrow('taugt nicht als Lab-ID');
    await scaffoldLab('netzwerk', dirs);
    await expect(scaffoldLab('netzwerk', dirs)).rejects.toThrow('gibt es schon');
  });
});
