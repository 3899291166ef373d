import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { lessonLinks } from './lessons.ts';

// `./werkbank dev` runs the runner behind Astro's dev server and names it here.
const apiTarget = process.env.WERKBANK_API_TARGET;

export default defineConfig({
  srcDir: './src',
  outDir: './dist',
  integrations: [
    starlight({
      title: 'Werkbank',
      description: 'Kubernetes zum Anfassen: Lektionen auf Deutsch, mit Terminal und eigenem Cluster.',
      defaultLocale: 'root',
      locales: { root: { label: 'Deutsch', lang: 'de' } },
      // The terminal takes the right-hand side of a lesson; a table of contents would
      // compete with it for space.
      tableOfContents: false,
      sidebar: [
        { label: 'Kursübersicht', link: '/' },
        {
          label: 'Lektionen',
          items: lessonLinks().map(({ slug, title }) => ({ label: title, link: `/${slug}/` })),
        },
      ],
      components: {
        PageFrame: './src/components/PageFrame.astro',
      },
      customCss: ['./src/styles/werkbank.css'],
    }),
    mdx(),
  ],
  vite: {
    server: apiTarget ? { proxy: { '/api': { target: apiTarget, ws: true } } } : {},
  },
});
