// Releases are made by the real helm binary from the toolchain against the kwok API
// server, so the check reads exactly what helm writes (Secrets of type
// helm.sh/release.v1). A release left in pending-upgrade (helm killed mid-upgrade)
// cannot be made on purpose; that one Secret is written here the way helm encodes it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { runChecked } from '../../runner/process.ts';
import { runCheck } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { helmReleaseDeployed } from './helm-release-deployed.ts';

let work: string;
let chart: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'werkbank-helm-'));
  chart = join(work, 'shop');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: "1.0"\n');
  await writeFile(join(chart, 'values.yaml'), 'greeting: Hallo\nconfigName: shop-config\n');
  await writeFile(
    join(chart, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.configName }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** helm with its own config and cache directories, against the kwok cluster. */
async function helm(...args: string[]): Promise<void> {
  const home = join(work, 'helm-home');
  await runChecked(toolchain().helm, [...args, '--kubeconfig', inject('kwokKubeconfig')], {
    env: {
      PATH: process.env.PATH ?? '',
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    },
    timeoutMs: 60_000,
  });
}

/** A release record as helm stores it: base64 of gzip of the release JSON. */
async function writeReleaseSecret(kube: KubeClients, namespace: string, name: string, revision: number, status: string) {
  const release = {
    name,
    namespace,
    version: revision,
    info: { status, description: 'Upgrade "shop" in progress' },
    chart: { metadata: { name: 'shop', version: '0.2.0', appVersion: '1.1' } },
  };
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  await kube.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: {
        name: `sh.helm.release.v1.${name}.v${revision}`,
        labels: { owner: 'helm', name, status, version: String(revision) },
      },
      type: 'helm.sh/release.v1',
      stringData: { release: helmEncoded },
    },
  });
}

describe('helm-release-deployed', () => {
  test.concurrent('passes after install, and at revision 2 after an upgrade', async ({ kube, namespace }) => {
    await helm('install', 'laden', chart, '-n', namespace);

    const installed = await runCheck(kube, namespace, helmReleaseDeployed, {
      release: 'laden',
      chart: 'shop',
      chartVersion: '0.1.0',
    });
    expect(installed.message).toBe('Das Helm-Release ‚laden‘ ist installiert (Revision 1 mit dem Chart ‚shop-0.1.0‘, Status deployed).');
    expect(installed.passed).toBe(true);

    await helm('upgrade', 'laden', chart, '-n', namespace, '--set', 'greeting=Moin');
    const upgraded = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'laden', revision: 2 });
    expect(upgraded.passed).toBe(true);
    expect(upgraded.message).toContain('Revision 2');
    expect(upgraded.data.history).toEqual([
      { revision: 1, status: 'superseded' },
      { revision: 2, status: 'deployed' },
    ]);
  });

  test.concurrent('rolled back to revision 1: only the rollback itself passes', async ({ kube, namespace }) => {
    await helm('install', 'filiale', chart, '-n', namespace);
    await helm('upgrade', 'filiale', chart, '-n', namespace, '--set', 'greeting=Moin');
    const beforeRollback = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'filiale', rolledBackTo: 1 });
    await helm('rollback', 'filiale', '1', '-n', namespace);
    const afterRollback = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'filiale', rolledBackTo: 1, revision: 3 });

    expect(beforeRollback.passed).toBe(false);
    expect(beforeRollback.message).toContain('Das Helm-Release ‚filiale‘ steht bei Revision 2 („Upgrade complete“), das ist kein Rollback auf Revision 1');
    expect(beforeRollback.message).toContain(`„helm rollback filiale 1 -n ${namespace}“`);
    expect(afterRollback.message).toBe(
      'Das Helm-Release ‚filiale‘ ist installiert (Revision 3 mit dem Chart ‚shop-0.1.0‘, zurückgerollt auf Revision 1, Status deployed).',
    );
  });

  test.concurrent('installed, but the upgrade the step asks for is missing', async ({ kube, namespace }) => {
    await helm('install', 'kasse', chart, '-n', namespace);

    const result = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'kasse', revision: 2 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das Helm-Release ‚kasse‘ ist installiert, steht aber bei Revision 1 statt bei Revision 2');
    expect(result.message).toContain(`Jedes „helm upgrade kasse <chart> -n ${namespace}“ erzeugt eine neue Revision`);
  });

  test.concurrent('a failed upgrade: names the error and the revision still running', async ({ kube, namespace }) => {
    await helm('install', 'lager', chart, '-n', namespace);
    // An invalid object name: the API server refuses it and helm records the revision as failed.
    await expect(helm('upgrade', 'lager', chart, '-n', namespace, '--set', 'configName=Shop_Config')).rejects.toThrow();

    const result = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'lager' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Die letzte Revision (2) des Helm-Release ‚lager‘ ist fehlgeschlagen: „Upgrade "lager" failed');
    expect(result.message).toContain('Aktiv ist weiterhin Revision 1');
    expect(result.message).toContain(`„helm rollback lager 1 -n ${namespace}“`);
  });

  // Near miss both ways: the corrected upgrade after a failed one is revision 3 and must
  // pass; an upgrade with other values than asked must not.
  test.concurrent('after a failed upgrade the corrected one passes at revision 3, other values do not', async ({ kube, namespace }) => {
    const params = { release: 'kiosk', minRevision: 2, values: { greeting: 'Servus' } };
    await helm('install', 'kiosk', chart, '-n', namespace);
    await expect(helm('upgrade', 'kiosk', chart, '-n', namespace, '--set', 'configName=Shop_Config')).rejects.toThrow();

    const failed = await runCheck(kube, namespace, helmReleaseDeployed, params);
    expect(failed.passed).toBe(false);
    // The description carries the refused manifest; only its first meaningful part is shown.
    expect(failed.message.length).toBeLessThan(600);

    await helm('upgrade', 'kiosk', chart, '-n', namespace, '--set', 'greeting=Moin');
    const wrong = await runCheck(kube, namespace, helmReleaseDeployed, params);
    expect(wrong.passed).toBe(false);
    expect(wrong.message).toBe(
      `Das Helm-Release ‚kiosk‘ steht bei Revision 3, aber mit anderen Werten: greeting ist Moin statt Servus. Tipp: „helm upgrade kiosk <chart> --set greeting=Servus -n ${namespace}“; „helm get values kiosk -n ${namespace}“ zeigt, was gesetzt ist.`,
    );

    await helm('upgrade', 'kiosk', chart, '-n', namespace, '--set', 'greeting=Servus');
    const fixed = await runCheck(kube, namespace, helmReleaseDeployed, params);
    expect(fixed.message).toBe('Das Helm-Release ‚kiosk‘ ist installiert (Revision 4 mit dem Chart ‚shop-0.1.0‘, Status deployed).');
    expect(fixed.passed).toBe(true);
  });

  test.concurrent('installed into another namespace (helm without -n)', async ({ kube, namespace }) => {
    await helm('install', 'versand', chart, '-n', namespace);
    const stepNamespace = `${namespace}-shop`;

    const result = await runCheck(kube, stepNamespace, helmReleaseDeployed, { release: 'versand' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `Das Helm-Release ‚versand‘ ist nicht im Namespace ‚${stepNamespace}‘ installiert, sondern im Namespace ‚${namespace}‘`,
    );
  });

  test.concurrent('a release helm left in pending-upgrade (written like helm would)', async ({ kube, namespace }) => {
    await helm('install', 'katalog', chart, '-n', namespace);
    await writeReleaseSecret(kube, namespace, 'katalog', 2, 'pending-upgrade');

    const result = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'katalog' }, { timeoutMs: 1500 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toContain('Helm arbeitet noch am Release ‚katalog‘ (Revision 2: pending-upgrade)');
    expect(result.data).toMatchObject({ chart: 'shop', chartVersion: '0.2.0' });
  });

  test.concurrent('not installed at all', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, helmReleaseDeployed, { release: 'gibt-es-nicht' });

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `Im Namespace ‚${namespace}‘ gibt es kein Helm-Release ‚gibt-es-nicht‘. Tipp: Installier es mit „helm install gibt-es-nicht <chart> -n ${namespace}“.`,
    );
  });
});
