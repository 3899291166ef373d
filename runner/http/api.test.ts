// The API's edges as a browser or script meets them, over a real runner: unknown
// addresses and methods, the cluster event stream's framing and headers, and what the
// runner says about request bodies it cannot take. These held before the router and
// must hold on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { newLearner } from '../testing/terminal-client.ts';
import { API, stepPath, type ApiError, type ProgressResponse } from './contract.ts';

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(() => runner.stop());

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as ApiError).error;
}

describe('the API', () => {
  it('answers unknown addresses and methods with a German 404 in JSON that is never cached', async () => {
    const unknown = await fetch(`${runner.url}/api/gibt-es-nicht`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    expect(unknown.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await errorOf(unknown)).toBe('Unbekannte API-Adresse: GET /api/gibt-es-nicht');

    const wrongMethod = await fetch(`${runner.url}${API.health}`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(404);
    expect(await errorOf(wrongMethod)).toBe('Unbekannte API-Adresse: DELETE /api/health');
    expect((await fetch(`${runner.url}${API.health}`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${runner.url}${API.health}/`)).status).toBe(404);
  });

  it('sends the cluster state as one server-sent event and asks a runner without clusters to come back later', async () => {
    const response = await fetch(`${runner.url}${API.clusterEvents}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const text = await response.text();
    const match = /^event: status\ndata: (.+)\n\nretry: 30000\n\n$/.exec(text);
    expect(match, text).not.toBeNull();
    expect(JSON.parse(match![1]!)).toMatchObject({ phase: 'none', provider: 'none' });
  });

  it('tells in German what is wrong with a body it cannot take, after checking lab and step', async () => {
    const learner = await newLearner(runner.url);
    const progress = (await (await fetch(`${runner.url}${API.progress}`, { headers: { cookie: learner.cookie } })).json()) as ProgressResponse;
    const lab = progress.labs[0]!;
    const reveal = (body: string, path = stepPath(lab.lab, lab.steps[0]!.id, 'reveal')) =>
      fetch(`${runner.url}${path}`, { method: 'POST', headers: { origin: runner.url, cookie: learner.cookie, 'content-type': 'application/json' }, body });

    const tooLarge = await reveal(JSON.stringify({ what: 'hint', padding: 'x'.repeat(17 * 1024) }));
    expect(tooLarge.status).toBe(400);
    expect(await errorOf(tooLarge)).toBe('Die Anfrage ist zu groß.');
    const notJson = await reveal('{what');
    expect(notJson.status).toBe(400);
    expect(await errorOf(notJson)).toBe('Die Anfrage enthält kein gültiges JSON.');
    const wrongShape = await reveal(JSON.stringify({ what: 'alles' }));
    expect(wrongShape.status).toBe(400);
    expect(await errorOf(wrongShape)).toBe('Die Anfrage muss { "what": "hint" } oder { "what": "solution" } sein.');
    const unknownLab = await reveal('x'.repeat(17 * 1024), stepPath('gibt-es-nicht', 'a', 'reveal'));
    expect(unknownLab.status).toBe(404);
    expect(await errorOf(unknownLab)).toMatch(/^Das Lab „gibt-es-nicht“ gibt es auf diesem Runner nicht\./);
    const foreign = await fetch(`${runner.url}${stepPath(lab.lab, lab.steps[0]!.id, 'reveal')}`, {
      method: 'POST',
      headers: { origin: 'https://fremd.example', cookie: learner.cookie },
      body: JSON.stringify({ what: 'hint' }),
    });
    expect(foreign.status).toBe(403);
    expect(await errorOf(foreign)).toBe('Diese Seite darf keine Lab-Schritte prüfen.');
  });
});
