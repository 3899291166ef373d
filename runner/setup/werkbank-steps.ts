// The background preparation of `./werkbank start`: the very build steps ./werkbank ran
// before serving (its `_schritt` sub-command runs one of its ensure_… functions), in the
// order the learners' sandboxes need them.
import { join } from 'node:path';
import { commandStep, type PreparationNeed, type PreparationStep } from './preparation.ts';

const DOCTOR = '„./werkbank doctor“ zeigt, was diesem Rechner fehlt.';
const RESTART = 'Danach die Werkbank neu starten (Strg+C, „./werkbank start“).';
/** The runner tries a failed step again by itself (runner/setup/preparation.ts). */
const AGAIN = 'Danach versucht die Werkbank den Schritt von selbst noch einmal – oder sofort mit „Erneut versuchen“.';

/** The steps, each run as `./werkbank _schritt <name>`. In the sandbox mode the first four
 * are also the shell's (the sandbox image carries the toolchain's kind, kubectl and helm);
 * the node and lab images are only the cluster's: a sandbox started before them gets
 * them loaded into its Docker once they are made. */
export function werkbankSteps(root: string, sandboxShells: boolean): PreparationStep[] {
  const shellToo: PreparationNeed[] = sandboxShells ? ['terminal', 'cluster'] : ['cluster'];
  const step = (name: string, rest: Omit<PreparationStep, 'run' | 'needs'>, needs = shellToo) =>
    commandStep({ ...rest, needs }, 'bash', [join(root, 'werkbank'), '_schritt', name]);
  return [
    step('werkzeuge', {
      id: 'release-tools',
      label: 'kind, kubectl und helm werden gesucht oder geladen',
      guessSeconds: 20,
      fix: `Ohne Internet setze WERKBANK_OFFLINE=1; dann kommen die Werkzeuge aus dem Bau aus Go-Quellen. ${RESTART}`,
    }),
    step('toolchain', {
      id: 'toolchain',
      label: 'Kubernetes-Werkzeuge werden aus Go-Quellen gebaut',
      guessSeconds: 540,
      fix: `Führe „./werkbank toolchain“ aus, um den ganzen Fehler zu sehen (Go nötig). ${DOCTOR} ${AGAIN}`,
    }),
    step('docker', {
      id: 'docker',
      label: 'Docker-Engine wird bereitgestellt',
      guessSeconds: 60,
      fix: `Starte die Docker-Engine („./werkbank docker“ oder den Docker-Dienst deines Systems). ${DOCTOR} ${AGAIN}`,
    }),
    step('sandbox', {
      id: 'sandbox-image',
      label: 'Sandbox-Image für die Terminals wird gebaut',
      guessSeconds: 120,
      fix: `Führe „docker/sandbox/build.sh“ aus, um den ganzen Fehler zu sehen. ${DOCTOR} ${AGAIN}`,
    }),
    step('node-image', {
      id: 'node-image',
      label: 'Node-Image für die Cluster wird geladen oder gebaut',
      guessSeconds: 300,
      fix: `Führe „docker/kind-node/build.sh“ aus, um den ganzen Fehler zu sehen. ${DOCTOR} ${AGAIN}`,
    }, ['cluster']),
    step('lab-images', {
      id: 'lab-images',
      label: 'Images der Labs werden gebaut',
      guessSeconds: 300,
      fix: `Führe „docker/images/build.sh“ aus, um den ganzen Fehler zu sehen. ${DOCTOR} ${AGAIN}`,
    }, ['cluster']),
  ];
}
