import { describe, expect, test } from 'vitest';
import { explainCreateFailure } from './create-failure.ts';

// The API server's FailedCreate messages as a ReplicaSet reports them.
describe('explainCreateFailure', () => {
  test('a quota is named as the cause, with what it limits', () => {
    const { reason, tip } = explainCreateFailure('pods "web-7d9f8-x2x" is forbidden: exceeded quota: klein, requested: pods=1, used: pods=2, limited: pods=2');
    expect(reason).toBe('Eine ResourceQuota lässt keinen weiteren Pod zu: „klein, requested: pods=1, used: pods=2, limited: pods=2“');
    expect(tip).toContain('kubectl describe resourcequota');
  });

  test('a missing ServiceAccount is named as the cause', () => {
    const { reason } = explainCreateFailure('pods "web-7d9f8-x2x" is forbidden: error looking up service account shop/robot: serviceaccount "robot" not found');
    expect(reason).toBe('Der ServiceAccount des Pods fehlt: „error looking up service account shop/robot: serviceaccount "robot" not found“');
  });

  test('Pod Security names the level and the first violation, not the ServiceAccount', () => {
    const { reason } = explainCreateFailure(
      'pods "sicher-1" is forbidden: violates PodSecurity "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)',
    );
    expect(reason).toBe('Pod Security (baseline) lehnt den Pod ab: privileged (container "app" must not set securityContext.privileged=true)');
  });
});
