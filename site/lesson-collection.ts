// Starlight's `docs` collection: the lessons, read from lessons/ (where instructors find
// them) and served under /lektionen/. This is the one place a lesson's frontmatter is
// read; the overview, the sidebar and the lesson pages all take it from here.
import { docsSchema } from '@astrojs/starlight/schema';
import { AstroError } from 'astro/errors';
import { glob, type Loader } from 'astro/loaders';
import { relative } from 'node:path';
import { LESSON_ROUTE_PREFIX, LESSONS_DIR, lessonFrontmatter } from './lessons.ts';

/** Starlight checks the frontmatter of our own pages (the overview and the others built
 * with <StarlightPage>) with this schema too, so the lesson fields are optional here and
 * the loader holds every lesson to them. A lesson's `order` is its place in the sidebar. */
const lessonPage = docsSchema({ extend: lessonFrontmatter.omit({ title: true }).partial() });

function lessonSchema(context: Parameters<typeof lessonPage>[0]) {
  return lessonPage(context).transform((data) => ({ ...data, sidebar: { ...data.sidebar, order: data.sidebar.order ?? data.order } }));
}

/** The glob loader over the lessons folder; a lesson without the lesson fields fails the
 * build naming the file and the field, like Astro does for its own schema. */
function lessonsLoader(lessonsDir: string): Loader {
  const files = glob({
    pattern: '**/[^_]*.mdx',
    base: lessonsDir,
    generateId: ({ entry }) => `${LESSON_ROUTE_PREFIX}/${entry.replace(/\.mdx$/, '')}`,
  });
  return {
    name: 'werkbank-lessons',
    load: (context) =>
      files.load({
        ...context,
        parseData: (entry) => {
          const fields = lessonFrontmatter.safeParse(entry.data);
          if (!fields.success) {
            const file = entry.filePath ? relative(process.cwd(), entry.filePath) : entry.id;
            const issue = fields.error.issues[0];
            throw new AstroError(
              `${file}: Frontmatter-Feld ${issue?.path.join('.')}: ${issue?.message}`,
              'Jede Lektion braucht im Frontmatter title, order (Platz im Kurs, ab 1) und duration (Minuten).',
            );
          }
          return context.parseData(entry);
        },
      }),
  };
}

export function lessonCollection(lessonsDir = LESSONS_DIR) {
  return { loader: lessonsLoader(lessonsDir), schema: lessonSchema };
}
