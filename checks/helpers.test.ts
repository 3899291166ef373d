// The pure helpers the checks compare with: what they say equal must be what Kubernetes
// and the container runtime treat as equal.
import { describe, expect, test } from 'vitest';
import { brief, list, sentences } from './format.ts';
import { canonicalImage, sameImage, shortImage } from './images.ts';
import { parseQuantity } from './quantity.ts';
import { matchesLabels, matchesSelector } from './selectors.ts';
import { pathMatches } from './lib/ingress-routes.ts';

describe('images', () => {
  test('short names mean Docker Hub, library/ for single names, :latest without a tag', () => {
    expect(canonicalImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(canonicalImage('nginx:1.27-alpine')).toBe('docker.io/library/nginx:1.27-alpine');
    expect(canonicalImage('werkbank/shop:1.0')).toBe('docker.io/werkbank/shop:1.0');
    expect(canonicalImage('localhost:5000/shop:1.0')).toBe('localhost:5000/shop:1.0');
    expect(canonicalImage('registry.k8s.io/pause:3.10.1')).toBe('registry.k8s.io/pause:3.10.1');
    expect(shortImage('docker.io/library/nginx:1.27')).toBe('nginx:1.27');
    expect(shortImage('docker.io/werkbank/shop:1.0')).toBe('werkbank/shop:1.0');
  });

  test('the same image in short and long form, but not another tag or registry', () => {
    expect(sameImage('nginx:1.27', 'docker.io/library/nginx:1.27')).toBe(true);
    expect(sameImage('werkbank/shop:1.0', 'docker.io/werkbank/shop:1.0')).toBe(true);
    expect(sameImage('nginx', 'docker.io/library/nginx:latest')).toBe(true);
    expect(sameImage('nginx:1.27', 'nginx:1.28')).toBe(false);
    expect(sameImage('shop:1.0', 'localhost:5000/shop:1.0')).toBe(false);
    expect(sameImage('nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc')).toBe(true);
    expect(sameImage('nginx@sha256:abc', 'docker.io/library/nginx:1.27')).toBe(false);
  });
});

describe('quantities', () => {
  test('binary and decimal suffixes, millicores, exponents', () => {
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('500Mi')).toBe(500 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('250m')).toBeCloseTo(0.25);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('2e3')).toBe(2000);
    expect(parseQuantity('1E')).toBe(1e18);
    expect(parseQuantity('1 Gi')).toBeUndefined();
    expect(parseQuantity('1GB')).toBeUndefined();
    expect((parseQuantity('1Gi') ?? 0) > (parseQuantity('1G') ?? 0)).toBe(true);
  });
});

describe('selectors', () => {
  test('a Service selector needs every pair; an empty one selects nothing', () => {
    expect(matchesLabels({ app: 'web' }, { app: 'web', 'pod-template-hash': 'abc' })).toBe(true);
    expect(matchesLabels({ app: 'web', tier: 'fe' }, { app: 'web' })).toBe(false);
    expect(matchesLabels({}, { app: 'web' })).toBe(false);
  });

  test('matchExpressions as the API server evaluates them', () => {
    const labels = { app: 'web', env: 'prod' };
    expect(matchesSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({}, labels)).toBe(false);
  });
});

describe('Ingress paths', () => {
  const prefix = (path: string) => ({ path, pathType: 'Prefix', backend: {} });
  test('Prefix matches whole path segments, trailing slashes ignored', () => {
    expect(pathMatches(prefix('/'), '/anything')).toBe(true);
    expect(pathMatches(prefix('/api'), '/api')).toBe(true);
    expect(pathMatches(prefix('/api'), '/api/v1')).toBe(true);
    expect(pathMatches(prefix('/api/'), '/api')).toBe(true);
    expect(pathMatches(prefix('/api'), '/apix')).toBe(false);
  });

  test('Exact matches only the very path', () => {
    const exact = { path: '/api', pathType: 'Exact', backend: {} };
    expect(pathMatches(exact, '/api')).toBe(true);
    expect(pathMatches(exact, '/api/')).toBe(false);
  });
});

describe('German message helpers', () => {
  test('lists and sentences', () => {
    expect(list(['a'])).toBe('a');
    expect(list(['a', 'b', 'c'])).toBe('a, b und c');
    expect(list(['a', 'b'], 'oder')).toBe('a oder b');
    expect(sentences('Eins', false, 'Zwei!', undefined, 'Drei.')).toBe('Eins. Zwei! Drei.');
  });
});

describe('brief', () => {
  test('keeps the first meaningful line of tool output and drops the attached JSON', () => {
    const helm = 'Upgrade "shop" failed: failed to create resource: ConfigMap "Shop_Config" is invalid: {"kind":"Status","apiVersion":"v1"}\nmore';
    expect(brief(helm)).toBe('Upgrade "shop" failed: failed to create resource: ConfigMap "Shop_Config" is invalid');
    expect(brief('\n\n  Error: x\nstack')).toBe('Error: x');
    expect(brief('a'.repeat(300))).toHaveLength(160);
  });
});
