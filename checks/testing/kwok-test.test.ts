import { describe, expect, it } from 'vitest';
import { namespaceNameFor } from './kwok-test.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('namespaceNameFor', () => {
  it('turns a German test name into a valid namespace that still says where it came from', () => {
    const name = namespaceNameFor('ein PersistentVolumeClaim mit unbekannter StorageClass bleibt Pending');
    expect(name).toMatch(dnsLabel);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^t-ein-persistentvolumeclaim-mit-unbekannt[a-z-]*-[0-9a-f]{6}$/);
  });

  it('drops umlauts and punctuation, and gives every call its own name', () => {
    expect(namespaceNameFor('Größe: über 9000!')).toMatch(/^t-grosse-uber-9000-[0-9a-f]{6}$/);
    expect(namespaceNameFor('x')).not.toBe(namespaceNameFor('x'));
    expect(namespaceNameFor('!!!')).toMatch(/^t-test-[0-9a-f]{6}$/);
  });
});
