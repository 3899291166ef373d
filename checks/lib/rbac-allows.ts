// RBAC allows a ServiceAccount exactly what the step says: asked the way
// `kubectl auth can-i … --as=system:serviceaccount:<ns>:<name>` asks, through a
// SubjectAccessReview, so every Role, ClusterRole and binding counts, as the API
// server's own authorizer weighs them.
import type { RbacV1Subject, V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, pass, type CheckRunContext } from '../core.ts';
import { list, q, sentences, someOf } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';

/** "list pods", "get pods/log", "create deployments.apps" – what `kubectl auth can-i` takes. */
const permission = z
  .string()
  .regex(
    /^(get|list|watch|create|update|patch|delete|deletecollection|impersonate|bind|escalate|use|approve|sign|\*) ([a-z][a-z0-9-]*|\*)(\.[a-z0-9.-]+)?(\/[a-z]+)?$/,
    'erwartet „<verb> <ressource>[.<gruppe>][/<subressource>]“, z. B. „list pods“ oder „create deployments.apps“',
  );

/** Resources that live outside namespaces; asking for them with a namespace asks something else. */
const clusterScoped = new Set([
  'nodes',
  'namespaces',
  'persistentvolumes',
  'storageclasses',
  'clusterroles',
  'clusterrolebindings',
  'customresourcedefinitions',
]);

/**
 * What `exactly` also tries: things a learner's Role easily grants by a wildcard or a
 * copied ClusterRole (edit, admin, cluster-admin), and which a reader must not do.
 */
const SENSITIVE = [
  'get secrets',
  'list secrets',
  'create pods',
  'delete pods',
  'patch pods',
  'create pods/exec',
  'create deployments.apps',
  'delete deployments.apps',
  'create rolebindings.rbac.authorization.k8s.io',
  'list nodes',
];

/** The writing verbs on each resource the step allows reading: a Role with verbs ["*"] grants them. */
function extraVerbs(allowed: readonly string[]): string[] {
  const targets = new Set(allowed.map((text) => text.split(' ')[1] ?? '').filter((t) => t !== ''));
  return [...targets].flatMap((target) => ['create', 'update', 'patch', 'delete'].map((verb) => `${verb} ${target}`));
}

interface Parsed {
  text: string;
  verb: string;
  resource: string;
  group: string;
  subresource: string | undefined;
}

function parsePermission(text: string): Parsed {
  const [verb = '', target = ''] = text.split(' ');
  const [path = '', subresource] = target.split('/');
  const dot = path.indexOf('.');
  return {
    text,
    verb,
    resource: dot < 0 ? path : path.slice(0, dot),
    group: dot < 0 ? '' : path.slice(dot + 1),
    subresource,
  };
}

export const rbacAllows = defineCheck({
  id: 'rbac-allows',
  title: 'RBAC erlaubt einem ServiceAccount genau das Nötige',
  params: z.strictObject({
    serviceAccount: objectName,
    /** The ServiceAccount's namespace, also where the permissions are asked for. */
    namespace: inNamespace,
    /** What it must be allowed, e.g. ["get pods", "list pods", "get pods/log"]. */
    allowed: z.array(permission).default([]),
    /** What it must not be allowed, e.g. ["delete pods", "get secrets"]. */
    denied: z.array(permission).default([]),
    /** Also try common permissions beyond `allowed` (secrets, writing pods, …): none may be granted. */
    exactly: z.boolean().default(false),
  }),
  async run({ serviceAccount, namespace: explicit, allowed, denied, exactly }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const account = await readOrUndefined(kube.core.readNamespacedServiceAccount({ name: serviceAccount, namespace }));
    if (!account) {
      return missingObject(
        kube,
        kinds.ServiceAccount,
        serviceAccount,
        namespace,
        {
          inNamespace: () => kube.core.listNamespacedServiceAccount({ namespace }),
          everywhere: () => kube.core.listServiceAccountForAllNamespaces({ fieldSelector: byName(serviceAccount) }),
        },
        `Leg ihn an, z. B. mit „kubectl create serviceaccount ${serviceAccount} -n ${namespace}“.`,
      );
    }
    const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
    const probes = exactly
      ? [...new Set([...SENSITIVE, ...extraVerbs(allowed)])].filter((p) => !allowed.includes(p) && !denied.includes(p))
      : [];
    // A ClusterRoleBinding grants the same rights in every namespace: ask one elsewhere.
    const elsewhere = namespace === 'kube-system' ? 'default' : 'kube-system';
    const outside = exactly
      ? await Promise.all(
          allowed
            .filter((text) => !clusterScoped.has(parsePermission(text).resource))
            .map(async (text) => ({ text, ...(await canI(ctx, user, elsewhere, parsePermission(text))) })),
        )
      : [];
    const clusterWide = outside.filter((a) => a.allowed).map((a) => a.text);
    const questions = [
      ...allowed.map((text) => ({ text, want: true })),
      ...[...denied, ...probes].map((text) => ({ text, want: false })),
    ];
    const answers = await Promise.all(
      questions.map(async ({ text, want }) => ({ text, want, ...(await canI(ctx, user, namespace, parsePermission(text))) })),
    );
    const missing = answers.filter((a) => a.want && !a.allowed).map((a) => a.text);
    const tooMuch = answers.filter((a) => !a.want && a.allowed).map((a) => a.text);
    const canIHint = `Nachsehen: kubectl auth can-i --list --as=${user} -n ${namespace}`;
    const data = {
      serviceAccount,
      namespace,
      user,
      answers: answers.map(({ text, want, allowed: got, reason }) => ({ permission: text, expected: want, allowed: got, reason })),
      missing,
      tooMuch,
      clusterWide,
    };

    if (missing.length > 0) {
      const why = await whyNotAllowed(ctx, serviceAccount, namespace);
      return fail(
        sentences(
          `Der ServiceAccount ${q(serviceAccount)} darf noch nicht: ${list(missing)}`,
          tooMuch.length > 0 && `Dafür darf er, was er nicht soll: ${list(tooMuch)}`,
          why,
        ),
        { data: { ...data, bindings: why }, hint: canIHint },
      );
    }
    if (tooMuch.length > 0) {
      return fail(
        sentences(
          `Der ServiceAccount ${q(serviceAccount)} darf mehr als nötig: ${list(tooMuch)}`,
          'Tipp: Nimm diese verbs oder resources aus der Role (ein „*“ erlaubt alles) – und sieh nach, ob eine ClusterRoleBinding ihm zusätzlich eine Rolle wie edit, admin oder cluster-admin gibt',
        ),
        { data, hint: canIHint },
      );
    }
    if (clusterWide.length > 0) {
      return fail(
        sentences(
          `Der ServiceAccount ${q(serviceAccount)} darf ${list(clusterWide)} nicht nur im Namespace ${q(namespace)}, sondern auch in ${q(elsewhere)} – also in jedem Namespace`,
          `Tipp: Gib ihm die Rechte mit einer RoleBinding im Namespace ${q(namespace)} statt mit einer ClusterRoleBinding, und lösch die ClusterRoleBinding`,
        ),
        { data, hint: `Nachsehen: kubectl get clusterrolebindings -o wide | grep ${serviceAccount}` },
      );
    }
    const deniedText = [...denied, ...probes];
    return pass(
      sentences(
        `Der ServiceAccount ${q(serviceAccount)} darf, was er soll${allowed.length > 0 ? `: ${list(allowed)}` : ''}`,
        deniedText.length > 0 &&
          `Nicht erlaubt ist ihm ${deniedText.length > 6 ? `${deniedText.slice(0, 5).join(', ')} und ${deniedText.length - 5} weitere Rechte` : list(deniedText)}`,
        exactly && outside.length > 0 && `Außerhalb von ${q(namespace)} darf er nichts davon`,
      ),
      data,
    );
  },
});

async function canI(
  ctx: CheckRunContext,
  user: string,
  namespace: string,
  asked: Parsed,
): Promise<{ allowed: boolean; reason: string | undefined }> {
  const accountNamespace = user.split(':')[2] ?? namespace;
  const review = await ctx.kube.authorization.createSubjectAccessReview({
    body: {
      spec: {
        user,
        // The groups the API server gives every ServiceAccount token.
        groups: ['system:serviceaccounts', `system:serviceaccounts:${accountNamespace}`, 'system:authenticated'],
        resourceAttributes: {
          verb: asked.verb,
          group: asked.group,
          resource: asked.resource,
          ...(asked.subresource ? { subresource: asked.subresource } : {}),
          ...(clusterScoped.has(asked.resource) ? {} : { namespace }),
        },
      },
    },
  });
  return { allowed: review.status?.allowed === true, reason: review.status?.reason };
}

function bindsAccount(subjects: RbacV1Subject[] | undefined, name: string, namespace: string, bindingNamespace?: string): boolean {
  return (subjects ?? []).some(
    (s) => s.kind === 'ServiceAccount' && s.name === name && (s.namespace ?? bindingNamespace) === namespace,
  );
}

/** Why a ServiceAccount lacks permissions: no binding, a binding to a missing Role, or a Role without the rule. */
async function whyNotAllowed(ctx: CheckRunContext, name: string, namespace: string): Promise<string> {
  const { rbac } = ctx.kube;
  const [roleBindings, clusterRoleBindings] = await Promise.all([
    rbac.listNamespacedRoleBinding({ namespace }),
    rbac.listClusterRoleBinding(),
  ]);
  const own: (V1RoleBinding | V1ClusterRoleBinding)[] = [
    ...roleBindings.items.filter((b) => bindsAccount(b.subjects, name, namespace, namespace)),
    ...clusterRoleBindings.items.filter((b) => bindsAccount(b.subjects, name, namespace)),
  ];
  const create = `kubectl create rolebinding ${name} --role=<role> --serviceaccount=${namespace}:${name} -n ${namespace}`;
  if (own.length === 0) {
    // A binding that names the account slightly wrong is the usual near miss.
    const near = roleBindings.items.filter((b) =>
      (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && (s.name === name || s.namespace === namespace)),
    );
    return sentences(
      `Keine RoleBinding und keine ClusterRoleBinding verbindet ihn mit einer Rolle, deshalb darf er nichts`,
      near.length > 0 &&
        `Die RoleBinding ${someOf(near.map((b) => b.metadata?.name ?? ''))} nennt einen anderen ServiceAccount (${list(
          near.flatMap((b) => (b.subjects ?? []).map((s) => `${s.kind} ${s.namespace ?? namespace}/${s.name}`)),
        )}) – stimmen Name und Namespace unter subjects?`,
      `Tipp: Verbinde ihn mit „${create}“ oder einer RoleBinding im Manifest (subjects: kind ServiceAccount, name ${name}, namespace ${namespace})`,
    );
  }
  for (const binding of own) {
    const ref = binding.roleRef;
    if (ref.kind === 'Role') {
      const role = await readOrUndefined(rbac.readNamespacedRole({ name: ref.name, namespace }));
      if (!role) {
        return sentences(
          `Die RoleBinding ${q(binding.metadata?.name ?? '')} verweist auf die Role ${q(ref.name)}, die es im Namespace ${q(namespace)} nicht gibt`,
          'Tipp: Leg die Role an oder korrigiere roleRef.name (roleRef lässt sich nicht ändern: RoleBinding löschen und neu anlegen)',
        );
      }
    } else {
      const role = await readOrUndefined(rbac.readClusterRole({ name: ref.name }));
      if (!role) {
        return sentences(
          `Die Bindung ${q(binding.metadata?.name ?? '')} verweist auf die ClusterRole ${q(ref.name)}, die es nicht gibt`,
          'Tipp: Prüfe roleRef (kind und name)',
        );
      }
    }
  }
  const roles = own.map((b) => `${b.roleRef.kind} ${q(b.roleRef.name)}`);
  return sentences(
    `Gebunden ist er an ${list(roles)}, ${own.length === 1 ? 'die' : 'die aber'} das nicht erlaubt`,
    'Tipp: Ergänze in der Role eine Regel mit den passenden apiGroups ("" für Pods, Services, Secrets; "apps" für Deployments), resources (auch Subressourcen wie „pods/log“) und verbs',
  );
}
