// `werkbank lab validate` and `werkbank lab test <id>…|--all`: the instructor's tools for
// labs. Both exit non-zero on any problem, so CI can run them as they are.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, repoRoot } from '../config.ts';
import { formatProblem, loadLabs, type LoadedLab } from '../labs/load.ts';
import { scaffoldLab } from '../labs/scaffold.ts';
import { junitReport } from '../labs/report.ts';
import { selfTestLab, type LabReport, type SelfTestTarget } from '../labs/self-test.ts';
import { freshLabCluster, kindTarget } from '../labs/test-cluster.ts';
import { loadClusterConfig } from '../clusters/config.ts';

const USAGE = `Aufruf:
  werkbank lab validate
  werkbank lab new <lab-id>
  werkbank lab test <lab-id>… | --all [--kubeconfig <datei>] [--cluster-name <kind-name>]
                    [--json <datei>] [--junit <datei>] [--keep]

Ohne --kubeconfig legt "lab test" einen frischen kind-Cluster an, wie ihn Lernende bekommen,
und löscht ihn danach.`;

async function loadValidLabs(): Promise<LoadedLab[] | null> {
  const { labs, problems } = await loadLabs();
  for (const problem of problems) console.error(formatProblem(problem));
  if (problems.length > 0) {
    console.error(`\n${problems.length} Problem${problems.length === 1 ? '' : 'e'} in den Labs.`);
    return null;
  }
  return labs;
}

async function validate(): Promise<number> {
  const labs = await loadValidLabs();
  if (!labs) return 1;
  console.log(`${labs.length} Labs geprüft, keine Probleme: ${labs.map(({ lab }) => lab.id).join(', ')}`);
  return 0;
}

async function scaffold(ids: string[]): Promise<number> {
  if (ids.length !== 1) {
    console.error(`"lab new" braucht genau eine ID, z. B. "werkbank lab new netzwerk-grundlagen".\n\n${USAGE}`);
    return 2;
  }
  const { files } = await scaffoldLab(ids[0]!);
  console.log(`Angelegt:\n${files.map((file) => `  ${relative(repoRoot, file)}`).join('\n')}`);
  console.log('\nSchreib jetzt Titel, Text, Prüfungen und Lösung; "./werkbank lab validate" sagt dir, was noch fehlt.');
  return 0;
}

async function test(ids: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  // --all needs every lab valid; naming labs needs just those (the others may be drafts).
  const { labs, problems } = await loadLabs();
  for (const problem of problems) console.error(formatProblem(problem));
  if (values.all && problems.length > 0) return 1;
  const chosen = values.all ? labs : labs.filter(({ lab }) => ids.includes(lab.id));
  const unknown = ids.filter((id) => !labs.some(({ lab }) => lab.id === id));
  if (unknown.length > 0 || chosen.length === 0) {
    console.error(`Unbekanntes oder fehlerhaftes Lab: ${unknown.join(', ') || '(keins angegeben)'}. Gültig sind: ${labs.map(({ lab }) => lab.id).join(', ')}`);
    return 2;
  }
  let target: SelfTestTarget;
  let cleanup = async () => {};
  if (typeof values.kubeconfig === 'string') {
    const clusterName = values['cluster-name'];
    target = kindTarget(values.kubeconfig, typeof clusterName === 'string' ? clusterName : undefined);
  } else {
    console.log(
      loadClusterConfig().provider === 'kind'
        ? 'Erstelle einen frischen kind-Cluster auf diesem Rechner …'
        : 'Erstelle eine frische Sandbox mit kind-Cluster, wie Lernende sie bekommen …',
    );
    const fresh = await freshLabCluster(loadConfig().dataDir, (step) => {
      if (step.state !== 'running') console.log(`  ${step.state === 'done' ? '✓' : '✗'} ${step.label}${step.detail ? ` (${step.detail})` : ''}`);
    });
    console.log(`Cluster ${fresh.name} ist bereit.`);
    target = fresh.target;
    cleanup = fresh.remove;
  }
  const reports: LabReport[] = [];
  try {
    for (const loaded of chosen) {
      console.log(`\n▶ Lab ${loaded.lab.id}: ${loaded.lab.title}`);
      const report = await selfTestLab(loaded, target, { log: (line) => console.log(line), keep: values.keep === true });
      reports.push(report);
      console.log(`${report.ok ? '✓' : '✗'} ${loaded.lab.id} in ${(report.durationMs / 1000).toFixed(1)} s`);
    }
  } finally {
    if (!values.keep) await cleanup();
  }
  if (typeof values.json === 'string') await writeFile(values.json, `${JSON.stringify(reports, null, 2)}\n`);
  if (typeof values.junit === 'string') await writeFile(values.junit, junitReport(reports));
  const failed = reports.filter((report) => !report.ok).map((report) => report.lab);
  console.log(`\n${reports.length - failed.length} Labs bestanden, ${failed.length} fehlgeschlagen${failed.length > 0 ? `: ${failed.join(', ')}` : ''}`);
  return failed.length === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      kubeconfig: { type: 'string' },
      'cluster-name': { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'validate') return validate();
  if (command === 'new') return scaffold(rest);
  if (command === 'test') return test(rest, values);
  console.error(`Unbekannter Befehl "lab ${command}".\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`Fehler: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
