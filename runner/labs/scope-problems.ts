// What `lab validate` checks for the steps that say they work in a namespace of their own
// (`needs: 'namespace'`, see schema.ts): in the Helm chart's learner mode "namespace" the
// learner has one restricted namespace per lab (Pod Security "restricted", a quota, no
// rights outside it), so a file or script that needs more would fail there for every
// learner. Each problem names the file and line that needs the cluster.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { repoRoot } from '../config.ts';
import type { LabProblem } from './load.ts';
import { stepNeeds, type Lab } from './schema.ts';

/** Kinds that live outside every namespace (plus the few add-on kinds labs could meet).
 * Creating one needs rights a learner namespace never has. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService',
  'IngressClass', 'GatewayClass', 'PriorityClass', 'RuntimeClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'VolumeSnapshotClass', 'ClusterIssuer',
]);

/** Where a workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, (string | number)[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

type Path = (string | number)[];

interface Finding {
  path: Path;
  message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Pod Security "restricted" for one pod spec (the parts a lab file can get wrong):
 * nothing of the host, no privileges, never root, and the fields it insists on. */
export function restrictedPodFindings(spec: Record<string, unknown>, at: Path): Finding[] {
  const findings: Finding[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) findings.push({ path: [...at, field], message: `${field}: true greift auf den Knoten zu` });
  }
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((volume, index) => {
    if (isObject(volume) && volume.hostPath !== undefined) findings.push({ path: [...at, 'volumes', index, 'hostPath'], message: 'ein hostPath-Volume greift auf den Knoten zu' });
  });
  const podSecurity = isObject(spec.securityContext) ? spec.securityContext : {};
  if (podSecurity.runAsUser === 0) findings.push({ path: [...at, 'securityContext', 'runAsUser'], message: 'runAsUser: 0 läuft als root' });
  const podNonRoot = podSecurity.runAsNonRoot === true;
  const podSeccomp = isObject(podSecurity.seccompProfile) && ['RuntimeDefault', 'Localhost'].includes(String(podSecurity.seccompProfile.type));
  for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const containers = Array.isArray(spec[group]) ? spec[group] : [];
    containers.forEach((container, index) => {
      if (!isObject(container)) return;
      const where: Path = [...at, group, index];
      const name = typeof container.name === 'string' ? container.name : String(index);
      const security = isObject(container.securityContext) ? container.securityContext : undefined;
      const missing: string[] = [];
      if (security?.privileged === true) findings.push({ path: [...where, 'securityContext', 'privileged'], message: `Container ${name}: privileged: true` });
      if (security?.runAsUser === 0) findings.push({ path: [...where, 'securityContext', 'runAsUser'], message: `Container ${name}: runAsUser: 0 läuft als root` });
      if (security?.allowPrivilegeEscalation !== false) missing.push('allowPrivilegeEscalation: false');
      const capabilities = isObject(security?.capabilities) ? security.capabilities : {};
      const drop = Array.isArray(capabilities.drop) ? capabilities.drop : [];
      if (!drop.includes('ALL')) missing.push('capabilities.drop: [ALL]');
      const added = (Array.isArray(capabilities.add) ? capabilities.add : []).filter((capability) => capability !== 'NET_BIND_SERVICE');
      if (added.length > 0) findings.push({ path: [...where, 'securityContext', 'capabilities', 'add'], message: `Container ${name}: capabilities.add ${added.join(', ')}` });
      if (!podNonRoot && security?.runAsNonRoot !== true) missing.push('runAsNonRoot: true');
      const seccomp = isObject(security?.seccompProfile) && ['RuntimeDefault', 'Localhost'].includes(String(security.seccompProfile.type));
      if (!podSeccomp && !seccomp) missing.push('seccompProfile.type: RuntimeDefault');
      if (missing.length > 0) {
        findings.push({ path: security ? [...where, 'securityContext'] : where, message: `Container ${name}: Pod Security „restricted“ verlangt ${missing.join(', ')}` });
      }
    });
  }
  return findings;
}

/** Problems of one YAML file in a namespace-scope lab, each at its line. */
export function yamlScopeProblems(text: string, file: string, labNamespace: string): LabProblem[] {
  const lineCounter = new LineCounter();
  const problems: LabProblem[] = [];
  for (const document of parseAllDocuments(text, { lineCounter })) {
    if (document.errors.length > 0 || document.contents === null) continue;
    const object = document.toJS() as unknown;
    if (!isObject(object)) continue;
    const lineOf = (path: Path): number => nodeLine(document, lineCounter, path);
    const findings = objectFindings(object, [], labNamespace);
    for (const finding of findings) problems.push({ file, line: lineOf(finding.path), message: `braucht einen eigenen Cluster (needs: 'namespace'): ${finding.message}` });
  }
  return problems;
}

function objectFindings(object: Record<string, unknown>, at: Path, labNamespace: string): Finding[] {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  if (kind === 'List' && Array.isArray(object.items)) {
    return object.items.flatMap((item, index) => (isObject(item) ? objectFindings(item, [...at, 'items', index], labNamespace) : []));
  }
  const findings: Finding[] = [];
  if (CLUSTER_SCOPED_KINDS.has(kind)) findings.push({ path: [...at, 'kind'], message: `${kind} ist ein clusterweites Objekt` });
  const namespace = isObject(object.metadata) ? object.metadata.namespace : undefined;
  if (typeof namespace === 'string' && namespace !== labNamespace) {
    findings.push({ path: [...at, 'metadata', 'namespace'], message: `namespace: ${namespace} ist nicht der Namespace des Labs (${labNamespace})` });
  } else if (typeof namespace === 'string') {
    // Files are copied into the home before anyone knows the learner's real name for the
    // lab's namespace (a pool session, a name taken while the old one is deleted); left
    // out, the namespace comes from the default context, which names the right one in
    // every mode.
    findings.push({
      path: [...at, 'metadata', 'namespace'],
      message: `lass „namespace: ${namespace}“ weg – im Lernmodus „namespace“ hat der Namespace des Labs für jede Person einen eigenen Namen, und der Standard-Kontext zeigt schon auf ihn`,
    });
  }
  const specPath = POD_SPEC_PATHS[kind];
  if (specPath) {
    let spec: unknown = object;
    for (const key of specPath) spec = isObject(spec) ? spec[key as string] : undefined;
    if (isObject(spec)) findings.push(...restrictedPodFindings(spec, [...at, ...specPath]));
  }
  return findings;
}

/** The line of the deepest key on `path` that the document has (a key's own line, not
 * the line its nested value starts on). */
function nodeLine(document: Document, lineCounter: LineCounter, path: Path): number {
  for (let length = path.length; length > 0; length -= 1) {
    const parent = length === 1 ? document.contents : document.getIn(path.slice(0, length - 1), true);
    const key = path[length - 1];
    let range: readonly number[] | null | undefined;
    if (isMap(parent)) range = (parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key as { range?: number[] } | undefined)?.range;
    else if (isSeq(parent) && typeof key === 'number') range = (parent.items[key] as { range?: number[] } | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]!).line;
  }
  return lineCounter.linePos(document.contents?.range?.[0] ?? 0).line;
}

/** Shell commands that need more than a namespace. A line scan, on purpose simple: it
 * cannot see commands built in variables or functions, YAML written by a heredoc or
 * `cat` and then applied, namespaces taken from the environment, `xargs`, kubectl
 * plugins, or what a Helm chart or `kubectl apply -k` renders. Those stay for `lab test`
 * in learner mode "namespace" and for the author's judgement. */
const SCRIPT_RULES: { pattern: RegExp; message: string }[] = [
  { pattern: /\bkubectl\b.*\b(delete|label|annotate|patch|edit)\s+(namespace|namespaces|ns)\b/, message: 'ändert einen Namespace' },
  { pattern: /\bkubectl\b.*\b(create|delete|patch|edit|label|annotate|replace)\s+(pv|persistentvolumes?|storageclass(es)?|sc|clusterroles?|clusterrolebindings?|crds?|customresourcedefinitions?|ingressclass(es)?|priorityclass(es)?)\b/, message: 'ändert ein clusterweites Objekt' },
  { pattern: /\bkubectl\b.*\b(label|annotate|taint|cordon|uncordon|drain|patch|delete)\s+(nodes?|no)\b|\bkubectl\s+(cordon|uncordon|drain|taint)\b/, message: 'ändert einen Knoten' },
  { pattern: /\bkubectl\b.*\b(apply|create|delete|label|annotate|patch|replace|scale|rollout)\b.*(--all-namespaces|\s-A\b)/, message: 'schreibt in alle Namespaces' },
  { pattern: /(^|[\s;&|(])kind\s+(load|create|delete|export)\b/, message: 'braucht kind und die Knoten (Images laden geht nur über eine Registry)' },
  { pattern: /(^|[\s;&|(])docker\s/, message: 'braucht Docker' },
  { pattern: /(^|[\s;&|(])helm\s+(install|upgrade)\b/, message: 'ein Helm-Chart kann clusterweite Teile und Pods ohne „restricted“-Einstellungen haben' },
  { pattern: /\bkubectl\s+(run|create\s+(deployment|deploy|job|cronjob|cj))\b(?!.*--overrides)/, message: 'macht Pods ohne die securityContext-Felder, die Pod Security „restricted“ verlangt' },
  { pattern: /\bkubectl\s+debug\s+(node\/|--profile=sysadmin)/, message: 'greift auf einen Knoten zu' },
];

/** Problems of one shell script in a namespace-scope lab. */
export function scriptScopeProblems(text: string, file: string, labNamespace: string): LabProblem[] {
  const problems: LabProblem[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const start = index;
    let command = lines[index] ?? '';
    // One command over continued lines.
    while (command.endsWith('\\') && index + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++index] ?? ''}`;
    const code = command.replace(/(^|\s)#.*$/, '').trim();
    if (!code) continue;
    const at = (message: string) => problems.push({ file, line: start + 1, message: `braucht einen eigenen Cluster (needs: 'namespace'): ${message}` });
    // The lab's own namespace is made for the learner in that mode (the command is
    // refused there and changes nothing); any other namespace is not theirs.
    const created = /\bkubectl\s+create\s+(namespace|ns)\s+([a-z0-9-]+)/.exec(code);
    if (created && created[2] !== labNamespace) at(`legt den Namespace ${created[2]} an, nicht den des Labs (${labNamespace})`);
    for (const rule of SCRIPT_RULES) if (rule.pattern.test(code)) at(rule.message);
    // `-n` of kubectl and helm only (a `tail -n 5` in the same pipe is none).
    for (const segment of code.split(/\|\||&&|[|;]|\$\(/)) {
      // Up to ` -- `: what follows is the command run in a container (`head -n 1`).
      const tool = (/\b(kubectl|helm)\s.*$/.exec(segment)?.[0] ?? '').split(/\s--(?:\s|$)/)[0] ?? '';
      for (const match of tool.matchAll(/(?:\s-n\s*|--namespace[=\s]\s*)([a-z0-9][-a-z0-9]*)/g)) {
        if (match[1] !== labNamespace) at(`arbeitet im Namespace ${match[1]}, nicht in dem des Labs (${labNamespace})`);
        // Making it the default is harmless (refused on the read-only kubeconfig there).
        else if (!/\bconfig\s+set-context\b/.test(tool)) at(`lass „${match[0].trim()}“ weg – im Lernmodus „namespace“ heißt der Namespace des Labs anders, und der Standard-Kontext zeigt schon auf ihn`);
      }
    }
  }
  return problems;
}

const mentions = (script: string, file: string): boolean => new RegExp(`(^|[\\s/="'])${basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s"';)])`, 'm').test(script);

/** Every problem of a lab's steps marked "namespace": their solutions, the setup, and the
 * lab's files, except a file only steps that need the cluster use. */
export async function labScopeProblems(lab: Lab, dir: string): Promise<LabProblem[]> {
  const namespaceSteps = lab.steps.filter((step) => stepNeeds(lab, step) === 'namespace');
  if (namespaceSteps.length === 0) return [];
  const namespace = lab.namespace;
  const read = async (path: string) => (existsSync(join(dir, path)) ? readFile(join(dir, path), 'utf8') : null);
  const shown = (path: string) => relative(repoRoot, join(dir, path));
  const solutions = new Map<string, string>();
  for (const step of lab.steps) {
    const text = await read(step.solution);
    if (text !== null) solutions.set(step.id, text);
  }
  const problems: LabProblem[] = [];
  for (const step of namespaceSteps) {
    const text = solutions.get(step.id);
    if (text !== undefined) problems.push(...scriptScopeProblems(text, shown(step.solution), namespace));
  }
  const clusterOnly = (file: string): boolean => {
    const users = lab.steps.filter((step) => mentions(solutions.get(step.id) ?? '', file));
    return users.length > 0 && users.every((step) => stepNeeds(lab, step) === 'cluster');
  };
  const files = [...(lab.setup?.manifests ?? []), ...(lab.files ?? []).filter((file) => !clusterOnly(file))];
  for (const file of files) {
    const text = await read(file);
    if (text === null) continue;
    if (/\.ya?ml$/.test(file)) problems.push(...yamlScopeProblems(text, shown(file), namespace));
    else if (/\.sh$/.test(file)) problems.push(...scriptScopeProblems(text, shown(file), namespace));
  }
  if (lab.setup?.script) {
    const text = await read(lab.setup.script);
    if (text !== null) problems.push(...scriptScopeProblems(text, shown(lab.setup.script), namespace));
  }
  return problems;
}
