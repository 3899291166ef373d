// What an instructor sees for a broken lab: every problem with the file and line to fix.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../config.ts';
import { formatProblem, loadLabs } from './load.ts';

const defineLabPath = join(repoRoot, 'labs', 'define.ts');

interface Fixture {
  labTs: string;
  lesson?: string;
  files?: Record<string, string>;
}

async function labsWith(id: string, fixture: Fixture) {
  const root = await mkdtemp(join(tmpdir(), 'werkbank-labs-'));
  const labsDir = join(root, 'labs');
  const lessonsDir = join(root, 'lessons');
  await mkdir(join(labsDir, id, 'solutions'), { recursive: true });
  await mkdir(lessonsDir);
  await writeFile(join(labsDir, id, 'lab.ts'), fixture.labTs.replace('DEFINE', defineLabPath));
  for (const [path, text] of Object.entries(fixture.files ?? {})) {
    await mkdir(join(labsDir, id, path, '..'), { recursive: true });
    await writeFile(join(labsDir, id, path), text);
  }
  await writeFile(join(lessonsDir, 'lektion.mdx'), fixture.lesson ?? `<Lab id="${id}">\n<Step id="eins">\n</Step>\n</Lab>\n`);
  const catalog = await loadLabs({ labsDir, lessonsDir });
  const labFile = relative(repoRoot, join(labsDir, id, 'lab.ts'));
  return { ...catalog, labFile, lines: catalog.problems.map(formatProblem), root: relative(repoRoot, root) };
}

const goodLab = (step: string) => `import { defineLab } from 'DEFINE';
export default defineLab({
  id: 'beispiel',
  title: 'Beispiel',
  lesson: 'lektion',
  namespace: 'beispiel',
  steps: [
${step}
  ],
  needs: 'cluster',
});
`;

const stepEins = `    {
      id: 'eins',
      title: 'Namespace anlegen',
      checks: [{ check: 'namespace-exists', params: { name: 'beispiel' } }],
      hint: 'kubectl create namespace',
      solution: 'solutions/eins.sh',
    },`;

describe('lab validation', () => {
  test('a complete lab loads with its namespace and no problems', async () => {
    const result = await labsWith('beispiel', { labTs: goodLab(stepEins), files: { 'solutions/eins.sh': 'kubectl create namespace beispiel\n' } });
    expect(result.lines).toEqual([]);
    expect(result.labs.map(({ lab }) => [lab.id, lab.namespace, lab.steps.length])).toEqual([['beispiel', 'beispiel', 1]]);
  });

  test('an unknown check names the line of the check and the checks there are', async () => {
    const labTs = goodLab(stepEins.replace("'namespace-exists'", "'namespace-exist'"));
    const result = await labsWith('beispiel', { labTs, files: { 'solutions/eins.sh': '' } });
    expect(result.labs).toEqual([]);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(new RegExp(`^${result.labFile}:11: Schritt eins: .*namespace-exist.*namespace-exists`));
  });

  test('wrong parameters for a check are named with the check line', async () => {
    const labTs = goodLab(stepEins.replace("{ name: 'beispiel' }", '{ nam: 1 }'));
    const result = await labsWith('beispiel', { labTs, files: { 'solutions/eins.sh': '' } });
    expect(result.lines[0]).toMatch(new RegExp(`^${result.labFile}:11: Schritt eins: Parameter für namespace-exists ungültig`));
  });

  test('a missing solution and a step without a check are both reported', async () => {
    const labTs = goodLab(stepEins.replace("[{ check: 'namespace-exists', params: { name: 'beispiel' } }]", '[]'));
    const result = await labsWith('beispiel', { labTs });
    expect(result.lines).toEqual([`${result.labFile}:11: steps.0.checks: Jeder Schritt braucht mindestens eine Prüfung`]);
    const withCheck = await labsWith('beispiel', { labTs: goodLab(stepEins) });
    expect(withCheck.lines).toEqual([`${withCheck.labFile}:13: Schritt eins: Die Lösung solutions/eins.sh fehlt in ${withCheck.root}/labs/beispiel/.`]);
  });

  test('a broken setup manifest names the manifest file and its line', async () => {
    const labTs = goodLab(stepEins).replace("  steps: [", "  setup: { manifests: ['setup/basis.yaml'] },\n  steps: [");
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nmetadata:\n  name: ohne-kind\n---\nkind: [\n';
    const result = await labsWith('beispiel', { labTs, files: { 'solutions/eins.sh': '', 'setup/basis.yaml': manifest } });
    const file = `${result.root}/labs/beispiel/setup/basis.yaml`;
    expect(result.lines[0]).toBe(`${file}:6: Dem Kubernetes-Objekt fehlt apiVersion oder kind.`);
    expect(result.lines[1]).toMatch(new RegExp(`^${file}:1[01]: YAML-Fehler`));
  });

  test('lesson and lab must agree on the steps, both ways', async () => {
    const lesson = '# Lektion\n\n<Lab id="beispiel">\n<Step id="zwei">\n</Step>\n</Lab>\n';
    const result = await labsWith('beispiel', { labTs: goodLab(stepEins), lesson, files: { 'solutions/eins.sh': '' } });
    expect(result.lines).toEqual([
      `${result.labFile}:9: Schritt eins: lessons/lektion.mdx enthält kein <Step id="eins"> innerhalb von <Lab id="beispiel">.`,
      `${result.root}/lessons/lektion.mdx:4: <Step id="zwei"> gibt es in labs/beispiel/lab.ts nicht (dort: eins).`,
    ]);
  });

  test('steps are read from the syntax tree: one in a code block is no step, one outside its Lab is named', async () => {
    const lesson = '<Lab id="beispiel">\n\n```mdx\n<Step id="eins">\n</Step>\n```\n\n</Lab>\n\n<Step id="eins">\n</Step>\n';
    const result = await labsWith('beispiel', { labTs: goodLab(stepEins), lesson, files: { 'solutions/eins.sh': '' } });
    expect(result.lines).toEqual([
      `${result.labFile}:9: Schritt eins: lessons/lektion.mdx enthält kein <Step id="eins"> innerhalb von <Lab id="beispiel">.`,
      `${result.root}/lessons/lektion.mdx:10: <Step id="eins"> steht außerhalb von <Lab id="…">.`,
    ]);
  });

  test('a lesson naming a lab that does not exist is reported at its line', async () => {
    const lesson = '<Lab id="beispiel">\n<Step id="eins">\n</Step>\n</Lab>\n\n<Lab id="fehlt">\n</Lab>\n';
    const result = await labsWith('beispiel', { labTs: goodLab(stepEins), lesson, files: { 'solutions/eins.sh': '' } });
    expect(result.lines).toEqual([`${result.root}/lessons/lektion.mdx:6: <Lab id="fehlt">: labs/fehlt/lab.ts gibt es nicht.`]);
  });

  test('the id must be the directory name', async () => {
    const result = await labsWith('anders', { labTs: goodLab(stepEins), files: { 'solutions/eins.sh': '' } });
    expect(result.lines).toContain(`${result.labFile}:3: Die Lab-ID "beispiel" muss dem Verzeichnisnamen "anders" entsprechen.`);
  });
});
