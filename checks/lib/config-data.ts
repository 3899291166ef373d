// A ConfigMap or Secret holds the keys (and, where the step fixes them, the values) it
// should. Secret values are compared but never repeated in a message.
import { z } from 'zod';
import { defineCheck, fail, pass } from '../core.ts';
import { kubectl, list, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject, The } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';

export const configData = defineCheck({
  id: 'config-data',
  title: 'ConfigMap oder Secret enthält die erwarteten Schlüssel',
  params: z.strictObject({
    kind: z.enum(['ConfigMap', 'Secret']).default('ConfigMap'),
    name: objectName,
    /** Keys that must be there, whatever their value. */
    keys: z.array(z.string().min(1)).default([]),
    /** Keys with the value they must have (for a Secret: the decoded value). */
    values: z.record(z.string().min(1), z.string()).default({}),
    namespace: inNamespace,
  }),
  async run({ kind, name, keys, values, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { core } = ctx.kube;
    const secret = kind === 'Secret';
    const content: Record<string, string> = {};
    let exists: boolean;
    if (secret) {
      const object = await readOrUndefined(core.readNamespacedSecret({ name, namespace }));
      exists = object !== undefined;
      for (const [key, value] of Object.entries(object?.data ?? {})) content[key] = Buffer.from(value, 'base64').toString('utf8');
    } else {
      const object = await readOrUndefined(core.readNamespacedConfigMap({ name, namespace }));
      exists = object !== undefined;
      for (const [key, value] of Object.entries(object?.data ?? {})) content[key] = value;
      for (const key of Object.keys(object?.binaryData ?? {})) content[key] = '';
    }
    if (!exists) {
      const literals = [...keys, ...Object.keys(values)].map((k) => `--from-literal=${k}=…`).join(' ') || '--from-literal=<schlüssel>=…';
      const create = `kubectl create ${secret ? 'secret generic' : 'configmap'} ${name} ${literals} -n ${namespace}`;
      return missingObject(
        ctx.kube,
        kinds[kind],
        name,
        namespace,
        secret
          ? {
              inNamespace: () => core.listNamespacedSecret({ namespace }),
              everywhere: () => core.listSecretForAllNamespaces({ fieldSelector: byName(name) }),
            }
          : {
              inNamespace: () => core.listNamespacedConfigMap({ namespace }),
              everywhere: () => core.listConfigMapForAllNamespaces({ fieldSelector: byName(name) }),
            },
        `Leg ${secret ? 'es' : 'sie'} an, z. B. mit „${create}“.`,
      );
    }
    const present = Object.keys(content);
    const expectedKeys = [...new Set([...keys, ...Object.keys(values)])];
    const missing = expectedKeys.filter((key) => !(key in content));
    const wrong = Object.entries(values).filter(([key, value]) => key in content && content[key] !== value);
    const what = The(kinds[kind], name);
    const data = {
      kind,
      name,
      namespace,
      keys: present,
      missing,
      // Which values differ, never the values of a Secret.
      wrongValues: wrong.map(([key, value]) => (secret ? { key } : { key, expected: value, actual: content[key] })),
    };
    const hint = `Nachsehen: ${kubectl(`describe ${kind.toLowerCase()} ${name}`, namespace)}`;
    if (missing.length > 0) {
      // A file name as key: --from-file=datei.txt makes the key; a typo in it is common.
      return fail(
        sentences(
          `${what} hat ${missing.length === 1 ? 'den Schlüssel' : 'die Schlüssel'} ${quotedList(missing)} nicht`,
          present.length > 0 ? `Vorhanden: ${quotedList(present)}` : `${what} ist leer`,
          secret
            ? `Tipp: Leg es neu an, z. B. mit „kubectl create secret generic ${name} ${expectedKeys.map((k) => `--from-literal=${k}=…`).join(' ')} -n ${namespace} --dry-run=client -o yaml | kubectl apply -f -“`
            : 'Tipp: Ergänze die Schlüssel unter data (bei „--from-file“ wird der Dateiname zum Schlüssel) und wende die ConfigMap erneut an',
        ),
        { data, hint },
      );
    }
    if (wrong.length > 0) {
      const details = wrong.map(([key, value]) =>
        secret ? `${q(key)} hat nicht den erwarteten Wert` : `${q(key)} ist ${q(content[key] ?? '')} statt ${q(value)}`,
      );
      return fail(
        sentences(
          `In ${kind === 'ConfigMap' ? 'der ConfigMap' : 'dem Secret'} ${q(name)}: ${list(details)}`,
          secret
            ? 'Tipp: Achte beim Anlegen auf Leerzeichen und Zeilenumbrüche (echo -n statt echo, wenn du selbst base64 kodierst)'
            : `Tipp: Ändere den Wert mit „${kubectl(`edit configmap ${name}`, namespace)}“ oder im Manifest und wende es erneut an`,
        ),
        { data, hint },
      );
    }
    return pass(
      `${what} enthält ${expectedKeys.length > 0 ? `${quotedList(expectedKeys)}${Object.keys(values).length > 0 ? ' mit den erwarteten Werten' : ''}` : `${present.length} Schlüssel`}.`,
      data,
    );
  },
});
