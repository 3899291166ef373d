// `werkbank lab validate` and `werkbank lab test <id>…|--all`: the instructor's tools for
// labs. Both exit non-zero on any problem, so CI can run them as they are.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { createProvider } from '../clusters/index.ts';
import { loadClusterConfig } from '../clusters/config.ts';
import type { ClusterHandle } from '../clusters/provider.ts';
import { loadConfig } from '../config.ts';
import { formatProblem, loadLabs, type LoadedLab } from '../labs/load.ts';
import { kindNodeRuntime } from '../labs/node-runtime.ts';
import { junitReport } from '../labs/report.ts';
import { selfTestLab, type LabReport, type SelfTestTarget } from '../labs/self-test.ts';

const USAGE = `Aufruf:
  werkbank lab validate
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

/** A fresh cluster through the runner's own kind provider: the same image, add-ons and
 * lab images a learner gets. */
async function freshCluster(): Promise<{ handle: ClusterHandle; remove: () => Promise<void> }> {
  const provider = createProvider({ ...loadClusterConfig(), provider: 'kind' }, loadConfig().dataDir);
  if (!provider) throw new Error('Kein Cluster-Provider verfügbar.');
  const name = `werkbank-labtest-${randomBytes(3).toString('hex')}`;
  console.log(`Erstelle frischen kind-Cluster ${name} …`);
  const handle = await provider.create(name, (step) => {
    if (step.state !== 'running') console.log(`  ${step.state === 'done' ? '✓' : '✗'} ${step.label}${step.detail ? ` (${step.detail})` : ''}`);
  });
  return { handle, remove: () => provider.delete(name) };
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
  const tools = toolchain();
  const toolDirs = [...new Set([tools.kubectl, tools.kind, tools.helm].map((binary) => dirname(binary)))];
  let target: SelfTestTarget;
  let cleanup = async () => {};
  if (typeof values.kubeconfig === 'string') {
    const clusterName = values['cluster-name'];
    target = {
      kubeconfigPath: values.kubeconfig,
      toolDirs,
      // kind names the node container after the cluster: crictl there knows the images.
      ...(typeof clusterName === 'string' ? { clusterName, nodeRuntime: kindNodeRuntime(`${clusterName}-control-plane`) } : {}),
    };
  } else {
    const { handle, remove } = await freshCluster();
    target = {
      kubeconfigPath: handle.adminKubeconfigPath,
      clusterName: handle.name,
      toolDirs,
      ...(handle.nodeContainer ? { nodeRuntime: kindNodeRuntime(handle.nodeContainer) } : {}),
    };
    cleanup = remove;
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
  if (command === 'test') return test(rest, values);
  console.error(`Unbekannter Befehl "lab ${command}".\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`Fehler: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
