// Why a controller could not create pods (a ReplicaSet's FailedCreate, surfaced as the
// Deployment's ReplicaFailure condition), told by its cause: the API server's message
// is long and English, and each cause has its own fix.
import { brief } from './format.ts';

/** The German explanation and the next step for a FailedCreate message. */
export function explainCreateFailure(message: string): { reason: string; tip: string } {
  const podSecurity = /violates PodSecurity "([a-z]+)(?::[^"]*)?": (.*)$/s.exec(message);
  if (podSecurity) {
    const [, level = 'restricted', details = ''] = podSecurity;
    const violations = splitViolations(details);
    const more = violations.length - 1;
    return {
      reason: `Pod Security (${level}) lehnt den Pod ab: ${brief(violations[0] ?? details, 200)}${more > 0 ? ` – und ${more} weitere${more === 1 ? 'r Punkt' : ' Punkte'}` : ''}`,
      tip: `Ergänze den securityContext so, wie es die Meldung verlangt (alle Punkte: „kubectl describe replicaset“); ${level === 'restricted' ? 'restricted verlangt runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL] und seccompProfile.type: RuntimeDefault' : 'die Stufe steht am Label pod-security.kubernetes.io/enforce des Namespace'}`,
    };
  }
  if (/exceeded quota/.test(message)) {
    return {
      reason: `Eine ResourceQuota lässt keinen weiteren Pod zu: „${brief(message.replace(/^.*?exceeded quota: /s, ''), 200)}“`,
      tip: 'Verringere requests/limits oder die Zahl der Replikas, oder sieh mit „kubectl describe resourcequota“ nach, was noch frei ist',
    };
  }
  if (/must specify limits|must specify requests|minimum|maximum .* usage per/.test(message)) {
    return {
      reason: `Eine LimitRange verbietet den Pod: „${brief(message.replace(/^.*?is forbidden: /s, ''), 200)}“`,
      tip: 'Passe resources im Pod-Template an die LimitRange an („kubectl describe limitrange“)',
    };
  }
  if (/serviceaccount/i.test(message)) {
    return {
      reason: `Der ServiceAccount des Pods fehlt: „${brief(message.replace(/^.*?is forbidden: /s, ''), 200)}“`,
      tip: 'Leg den ServiceAccount an („kubectl create serviceaccount …“) oder korrigiere serviceAccountName',
    };
  }
  return {
    reason: `„${brief(message, 200)}“`,
    tip: '„kubectl describe replicaset“ zeigt in den Events den ganzen Grund',
  };
}

/** "a (x, y), b (z)" → ["a (x, y)", "b (z)"]: commas inside parentheses belong to the item. */
function splitViolations(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) items.push(current.trim());
  return items;
}
