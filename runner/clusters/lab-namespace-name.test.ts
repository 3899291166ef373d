// A lab's namespace for one learner: recognisable, stable, and always a valid name.
import { describe, expect, test } from 'vitest';
import { labNamespaceName } from './lab-namespace-name.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('labNamespaceName', () => {
  test('is the learner\'s namespace and the lab\'s', () => {
    expect(labNamespaceName('werkbank-3f9a01bc', 'konfiguration')).toBe('werkbank-3f9a01bc-konfiguration');
  });

  test('stays within 63 characters, a DNS label, the same each time, and different for different labs', () => {
    const learner = 'werkbank-3f9a01bc-7d2e';
    const long = `${'sehr-langer-name-'.repeat(3)}x`;
    const name = labNamespaceName(learner, long);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(DNS_LABEL);
    expect(name.startsWith(`${learner}-sehr-langer`)).toBe(true);
    expect(labNamespaceName(learner, long)).toBe(name);
    expect(labNamespaceName(learner, `${long}y`)).not.toBe(name);
    // A cut that would end on a dash does not.
    for (let length = 30; length < 60; length += 1) expect(labNamespaceName(learner, 'a-'.repeat(length).slice(0, length) + 'z')).toMatch(DNS_LABEL);
  });
});
