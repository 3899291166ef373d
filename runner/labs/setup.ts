// A lab's starting state: its setup manifests (through kubectl), then its setup script.
// `lab test` applies it to the cluster it tests on; the cluster manager applies every
// lab's to each new learner cluster, so the learner finds the same state the lab was
// tested from.
import type { LoadedLab } from './load.ts';
import { manifestCommand, scriptCommand, type LabCommand } from './run-command.ts';

export function setupCommands({ lab, dir }: LoadedLab): LabCommand[] {
  return [
    ...(lab.setup?.manifests ?? []).map((path) => manifestCommand(dir, path)),
    ...(lab.setup?.script ? [scriptCommand(dir, lab.setup.script)] : []),
  ];
}
