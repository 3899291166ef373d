// The lessons in lessons/*.mdx: their frontmatter schema, and the ordered list the
// site's navigation needs at config time, before Astro's content layer exists. A bad
// frontmatter fails the build here with file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const LESSONS_DIR = resolve(import.meta.dirname, '..', 'lessons');
export const LESSON_ROUTE_PREFIX = 'lektionen';

/** What a lesson declares beyond Starlight's title and description. */
export const lessonFrontmatter = z.object({
  title: z.string().min(1),
  /** Position in the course, 1 first. */
  order: z.number().int().positive(),
  /** Estimated minutes, shown on the course overview. */
  duration: z.number().int().positive(),
  /** The lab this lesson works in (labs/<id>/), if any. */
  lab: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
});

export interface LessonLink {
  slug: string;
  title: string;
  order: number;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---/;

function lineOfKey(frontmatter: string, key: PropertyKey | undefined): number {
  if (typeof key !== 'string') return 1;
  const index = frontmatter.split('\n').findIndex((line) => line.startsWith(`${key}:`));
  return index < 0 ? 1 : index + 2; // +1 for the opening ---, +1 for 1-based lines
}

function readLesson(file: string): LessonLink {
  const where = relative(process.cwd(), file);
  const text = readFileSync(file, 'utf8');
  const frontmatter = FRONTMATTER.exec(text)?.[1];
  if (frontmatter === undefined) throw new Error(`${where}:1: Frontmatter (--- … ---) fehlt.`);
  let data: unknown;
  try {
    data = parse(frontmatter) ?? {};
  } catch (error) {
    throw new Error(`${where}: Frontmatter ist kein gültiges YAML: ${(error as Error).message}`);
  }
  const result = lessonFrontmatter.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${where}:${lineOfKey(frontmatter, issue?.path[0])}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.mdx$/, '');
  return { slug: `${LESSON_ROUTE_PREFIX}/${name}`, title: result.data.title, order: result.data.order };
}

export function lessonLinks(dir = LESSONS_DIR): LessonLink[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx') && !name.startsWith('_'))
    .map((name) => readLesson(join(dir, name)))
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}
