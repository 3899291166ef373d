// The objects every learner namespace gets come from a file the chart mounts: only limits
// (ResourceQuota, LimitRange) may come from there, and they reach the API server whole.
import { describe, expect, it } from 'vitest';
import { CHART_DIR, helmTemplate } from '../../docker/werkbank/chart-rules.ts';
import { parseNamespaceObjects } from './learner-namespaces.ts';

describe('parseNamespaceObjects', () => {
  it("reads the chart's quota and defaults, keeping the LimitRange's default limits", async () => {
    const rendered = await helmTemplate(CHART_DIR, ['learners.mode=namespace']);
    const configMap = rendered.find((object) => object.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    const objects = parseNamespaceObjects(configMap.data['namespace-objects.yaml']!);
    expect(objects.map((object) => object.kind)).toEqual(['ResourceQuota', 'LimitRange']);
    // The client's model names LimitRange's "default" "_default"; a plain object loses it.
    expect(JSON.stringify(objects[1])).toContain('"_default":{"cpu":"500m","memory":"256Mi"}');
  });

  it('refuses anything that would grant rights instead of limiting them', () => {
    const binding = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: alles}\nroleRef: {kind: ClusterRole, name: cluster-admin}\n';
    expect(() => parseNamespaceObjects(binding)).toThrow(/nur ResourceQuota und LimitRange/);
    expect(() => parseNamespaceObjects('apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n')).toThrow(/Dokument 1/);
  });
});
