// command-output's answers that need no container (kwok runs none): a pod that is not
// there, or not running yet. The command itself is proven on kind.
import { describe, expect } from 'vitest';
import { runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { commandOutput } from './command-output.ts';

const PARAMS = { pod: 'postgres-0', command: ['psql', '-tAc', 'SELECT 1'], expect: '1', shows: 'die Antwort der Datenbank' };

describe('command-output', () => {
  test.concurrent('a missing pod is named, with the pods that are there', async ({ kube, namespace }) => {
    // A name no other test uses: the lookup also searches every namespace.
    await kube.core.createNamespacedPod({ namespace, body: { metadata: { name: 'kundendb-1' }, spec: { containers: [{ name: 'db', image: 'werkbank/postgres:15' }] } } });
    const result = await runCheck(kube, namespace, commandOutput, { ...PARAMS, pod: 'kundendb-0' });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^Den Pod ‚kundendb-0‘ gibt es im Namespace ‚[^‘]+‘ nicht\. Dort gibt es nur: ‚kundendb-1‘\./);
  });

  test.concurrent('a pod that is not scheduled yet is waited for, then reported as not running', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPod({
      namespace,
      // No node matches: the pod stays Pending, as one waiting for its volume would.
      body: { metadata: { name: 'postgres-0' }, spec: { nodeSelector: { gibt: 'es-nicht' }, containers: [{ name: 'db', image: 'werkbank/postgres:15' }] } },
    });
    const result = await runCheck(kube, namespace, commandOutput, PARAMS, { timeoutMs: 2_000 });
    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toBe('Der Container ‚db‘ im Pod ‚postgres-0‘ läuft noch nicht (Phase Pending). Tipp: Warte, bis der Pod läuft, und prüfe dann noch einmal.');
  });

  test('refuses a lab that names no command', () => {
    expect(commandOutput.params.safeParse({ ...PARAMS, command: [] }).success).toBe(false);
  });
});
