// command-output runs a command through the exec API of a real kind cluster (kwok has no
// containers to run it in): the output a learner's workload prints decides, umlauts
// included; a failing command says what it reported; a hanging one ends with the timeout.
import { beforeAll, describe, expect, inject } from 'vitest';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { runChecked } from '../../runner/process.ts';
import { runCheck } from '../testing/check-helpers.ts';
import { kindTest as test } from '../testing/kind-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { waitFor } from '../testing/wait.ts';
import { commandOutput } from './command-output.ts';

const SHOWS = 'der Eintrag von Jörg Müller';
const TOOLBOX = 'werkbank/toolbox:1';

beforeAll(async () => {
  await runChecked(toolchain().kind, ['load', 'docker-image', '--name', inject('kindClusterName'), TOOLBOX], { timeoutMs: 300_000 });
}, 300_000);

async function kundenPod(kube: KubeClients, namespace: string): Promise<void> {
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'kunden' },
      spec: {
        containers: [
          {
            name: 'db',
            image: TOOLBOX,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'echo "1|Jörg Müller" > /tmp/kunden; exec sleep 3600'],
          },
        ],
      },
    },
  });
  await waitFor('Pod kunden läuft', async () => (await kube.core.readNamespacedPod({ name: 'kunden', namespace })).status?.phase === 'Running');
}

describe('command-output', () => {
  test('passes when the command prints the expected text, and names what is missing otherwise', async ({ kube, namespace }) => {
    await kundenPod(kube, namespace);
    const passed = await runCheck(kube, namespace, commandOutput, { pod: 'kunden', command: ['cat', '/tmp/kunden'], expect: 'Jörg Müller', shows: SHOWS });
    expect(passed.passed, passed.message).toBe(true);
    expect(passed.message).toBe('Im Pod ‚kunden‘ ist der Eintrag von Jörg Müller zu sehen.');
    expect(passed.data.stdout).toBe('1|Jörg Müller\n');

    const other = await runCheck(kube, namespace, commandOutput, {
      pod: 'kunden',
      command: ['cat', '/tmp/kunden'],
      expect: 'Erika Mustermann',
      shows: 'der Eintrag von Erika Mustermann',
    });
    expect(other.passed).toBe(false);
    expect(other.message).toBe('Im Pod ‚kunden‘ fehlt noch der Eintrag von Erika Mustermann.');
    expect(other.hint).toBe(`Selbst nachsehen: kubectl exec kunden -n ${namespace} -- cat /tmp/kunden`);
  });

  test('a command that fails reports its exit code and its message, not the lines pointing into it', async ({ kube, namespace }) => {
    await kundenPod(kube, namespace);
    const result = await runCheck(kube, namespace, commandOutput, { pod: 'kunden', command: ['cat', '/tmp/bestellungen'], expect: 'x', shows: 'die Bestellung' });
    expect(result.passed).toBe(false);
    expect(result.error).toBeUndefined();
    expect(result.message).toMatch(/^Im Pod ‚kunden‘ fehlt noch die Bestellung\. Der Befehl endete mit Code 1 und meldet: „cat: can't open '\/tmp\/bestellungen': No such file or directory“\.$/);

    // psql and friends point into the statement on the lines after the message.
    const pointing = await runCheck(kube, namespace, commandOutput, {
      pod: 'kunden',
      command: ['sh', '-c', 'echo "FEHLER: Relation »kunden« existiert nicht" >&2; echo "              ^" >&2; exit 2'],
      expect: 'x',
      shows: 'die Tabelle',
    });
    expect(pointing.message).toBe('Im Pod ‚kunden‘ fehlt noch die Tabelle. Der Befehl endete mit Code 2 und meldet: „FEHLER: Relation »kunden« existiert nicht“.');
  });

  test('a command that hangs ends with the check\'s timeout instead of holding the learner\'s request', async ({ kube, namespace }) => {
    await kundenPod(kube, namespace);
    const started = performance.now();
    const result = await runCheck(kube, namespace, commandOutput, { pod: 'kunden', command: ['sleep', '60'], expect: 'x', shows: 'nichts' }, { timeoutMs: 3_000 });
    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
