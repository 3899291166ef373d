// The files a lab hands out arrive in ~/<lab>/ and never overwrite what the learner changed.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { prepareLabFiles } from './learner-files.ts';
import { loadLabs } from './load.ts';

test('each lab has its directory in the home with its files; edits by the learner stay', async () => {
  const { labs } = await loadLabs();
  const chosen = labs.filter(({ lab }) => lab.id === 'speicher' || lab.id === 'helm');
  expect(chosen).toHaveLength(2);
  const home = await mkdtemp(join(tmpdir(), 'werkbank-home-'));

  await prepareLabFiles(home, chosen);
  const original = await readFile(join(home, 'speicher', 'daten-pvc.yaml'), 'utf8');
  expect(original).toContain('name: daten');
  await writeFile(join(home, 'speicher', 'daten-pvc.yaml'), original.replace('100Mi', '200Mi'));

  await prepareLabFiles(home, chosen);
  expect(await readFile(join(home, 'speicher', 'daten-pvc.yaml'), 'utf8')).toContain('200Mi');
  // A lab without files still gets its directory, so `cd ~/<lab>` always works.
  expect(existsSync(join(home, 'helm'))).toBe(true);
});
