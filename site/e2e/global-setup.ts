// Browser tests run against a real runner serving the built site.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../../runner/config.ts';
import { startTestRunner } from '../../runner/testing/runner-fixture.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The runner's instructor token, for the /lehrende page. */
    instructorToken: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A copy of the built site may be named (another build of site/dist would disturb a run).
  const siteDir = process.env.WERKBANK_SITE_DIR ?? join(repoRoot, 'site', 'dist');
  if (!existsSync(join(siteDir, 'index.html'))) {
    throw new Error('site/dist fehlt: die Browser-Tests brauchen die gebaute Website ("./werkbank setup").');
  }
  const instructorToken = 'e2e-lehrende-token';
  const runner = await startTestRunner({ siteDir, terminalGraceMs: 60_000, instructorToken }, { withTools: true });
  project.provide('baseUrl', runner.url);
  project.provide('instructorToken', instructorToken);
  return () => runner.stop();
}
