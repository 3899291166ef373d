import { docsSchema } from '@astrojs/starlight/schema';
import { glob } from 'astro/loaders';
import { defineCollection } from 'astro:content';
import { LESSON_ROUTE_PREFIX, lessonFrontmatter } from '../lessons.ts';

// Lessons live at the top of the repository (lessons/), where instructors find them,
// and are served under /lektionen/. The extra fields are optional here only because
// Starlight validates non-lesson pages (the overview) with the same schema; every
// lesson file is checked strictly by lessonLinks() when the config loads.
export const collections = {
  docs: defineCollection({
    loader: glob({
      pattern: '**/[^_]*.mdx',
      base: '../lessons',
      generateId: ({ entry }) => `${LESSON_ROUTE_PREFIX}/${entry.replace(/\.mdx$/, '')}`,
    }),
    schema: docsSchema({ extend: lessonFrontmatter.omit({ title: true }).partial() }),
  }),
};
