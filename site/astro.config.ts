import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { labComponents } from './lab-components.ts';
import { courseSidebar } from './lessons.ts';

// `./werkbank dev` runs the runner behind Astro's dev server and names it here.
const apiTarget = process.env.WERKBANK_API_TARGET;

export default defineConfig({
  srcDir: './src',
  outDir: './dist',
  integrations: [
    labComponents(),
    starlight({
      title: 'Werkbank',
      description: 'Kubernetes zum Anfassen: Lektionen auf Deutsch, mit Terminal und eigenem Cluster.',
      defaultLocale: 'root',
      locales: { root: { label: 'Deutsch', lang: 'de' } },
      // The terminal takes the right-hand side of a lesson; a table of contents would
      // compete with it for space.
      tableOfContents: false,
      // Our own 404 page (src/pages/404.astro) shows the way back into the course.
      disable404Route: true,
      sidebar: courseSidebar(import.meta.dirname),
      components: {
        PageFrame: './src/components/PageFrame.astro',
        SkipLink: './src/components/SkipLink.astro',
        SocialIcons: './src/components/SocialIcons.astro',
        Search: './src/components/search/Search.astro',
      },
      customCss: ['./src/styles/werkbank.css'],
    }),
    mdx(),
  ],
  vite: {
    server: apiTarget ? { proxy: { '/api': { target: apiTarget, ws: true } } } : {},
  },
});
