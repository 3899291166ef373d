// What a lab's Job file runs, for the job-succeeded check's `template`: a Job of the
// right name alone proves nothing (one running `true` would do), so the check compares
// the containers of the Job that ran with the ones in the lab's own file.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

interface ContainerSpec {
  image: string;
  command?: string[];
  args?: string[];
}

interface PodTemplate {
  spec?: { containers?: ({ image?: string } & Omit<ContainerSpec, 'image'>)[] };
}

interface Manifest {
  kind?: string;
  spec?: { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } };
}

/** The containers of the (first) Job or CronJob in `labDir/file`, as the check expects them. */
export function jobTemplate(labDir: string, file: string): { file: string; containers: ContainerSpec[] } {
  const path = join(labDir, file);
  const manifests = parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => doc.toJS() as Manifest | null);
  const found = manifests.find((m) => m?.kind === 'Job' || m?.kind === 'CronJob');
  const template = found?.kind === 'CronJob' ? found.spec?.jobTemplate?.spec?.template : found?.spec?.template;
  const containers = (template?.spec?.containers ?? []).map((c) => ({
    image: c.image ?? '',
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
  }));
  if (containers.length === 0) throw new Error(`${path}: kein Job oder CronJob mit Containern gefunden`);
  return { file: basename(file), containers };
}
