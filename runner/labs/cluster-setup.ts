// Every new learner cluster (warm pool included) gets each lab's setup before it is
// handed out, so a lab starts from the state `lab test` proved it from, with no wait
// when the learner opens the lab. "Cluster zurücksetzen" brings that state back.
import type { ClusterPreparer } from '../clusters/manager.ts';
import { openLabShell } from './lab-shell.ts';
import type { LoadedLab } from './load.ts';
import { setupCommands } from './setup.ts';

const STEP_LABEL = 'Ausgangszustand der Labs wird eingerichtet';

/** The preparer for these labs, or undefined when none has a setup. */
export function labSetupPreparer(labs: readonly LoadedLab[], log: (message: string) => void = console.error): ClusterPreparer | undefined {
  const withSetup = labs.filter((loaded) => setupCommands(loaded).length > 0);
  if (withSetup.length === 0) return undefined;
  return async (handle, progress) => {
    // A namespace in a shared cluster belongs to no lab; its setups are the instructor's.
    if (handle.namespace !== 'default') return;
    progress.start('lab-setup', STEP_LABEL);
    const shell = await openLabShell(withSetup, {
      kubeconfigPath: handle.adminKubeconfigPath,
      ...(handle.sandbox ? { sandbox: handle.sandbox, ...(handle.sandboxExec ? { sandboxExec: handle.sandboxExec } : {}) } : handle.provider === 'kind' ? { clusterName: handle.name } : {}),
    });
    const failed: string[] = [];
    try {
      for (const loaded of withSetup) {
        for (const command of setupCommands(loaded)) {
          const result = await shell.run(command, loaded.lab.id);
          if (result.ok) continue;
          log(`[labs] ${handle.name}: Setup von ${loaded.lab.id} (${command.path}) ist fehlgeschlagen:\n${result.output}`);
          failed.push(`„${loaded.lab.title}“`);
          break;
        }
      }
    } finally {
      await shell.close();
    }
    if (failed.length > 0) throw new Error(`Für ${failed.join(', ')} fehlt der Ausgangszustand. Setze den Cluster zurück; hilft das nicht, sag deinen Lehrenden Bescheid.`);
  };
}
