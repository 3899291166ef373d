// Label selectors evaluated locally, so a check that has already listed the Pods of a
// namespace can say which of them a Deployment or Service selects without asking again.
import type { V1LabelSelector } from '@kubernetes/client-node';

/** Does a Service-style selector (all key=value pairs) match these labels? */
export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels?.[key] === value);
}

/** Does a workload's `spec.selector` (matchLabels and matchExpressions) match these labels? */
export function matchesSelector(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const own = labels ?? {};
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => own[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    const value = own[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  return !empty && byLabels && byExpressions;
}

/** The matchLabels part as a `labelSelector` query string ("app=web,tier=fe"), if any. */
export function labelSelectorQuery(selector: V1LabelSelector | undefined): string | undefined {
  const pairs = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? pairs.join(',') : undefined;
}
