// The lab images do what the lessons promise, checked in plain Docker (fast; the kind
// suite shows them inside a cluster).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../checks/testing/wait.ts';
import { runChecked, runProcess } from '../../runner/process.ts';
import { labImages } from './images.ts';

const started: string[] = [];

async function docker(...args: string[]): Promise<string> {
  const stdout = await runChecked('docker', args, { timeoutMs: 60_000 });
  return stdout.trim();
}

/** Starts a container in the background; it is removed after the test. */
async function startContainer(image: string, ...args: string[]): Promise<{ id: string; ip: string }> {
  const id = await docker('run', '-d', ...args, image);
  started.push(id);
  const ip = await docker('inspect', '--format', '{{.NetworkSettings.IPAddress}}', id);
  return { id, ip };
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

/** Waits until the server in a fresh container answers. */
function untilAnswers(url: string) {
  return waitFor(`${url} antwortet`, () => httpGet(url).catch(() => undefined), { timeoutMs: 30_000, intervalMs: 200 });
}

afterEach(async () => {
  const ids = started.splice(0);
  if (ids.length > 0) await docker('rm', '-f', ...ids);
});

describe('lab images', () => {
  it('are listed under the names the lessons use', async () => {
    expect(await labImages()).toEqual(
      expect.arrayContaining(['werkbank/toolbox:1', 'werkbank/nginx:1', 'werkbank/demo-app:1', 'werkbank/postgres:15', 'werkbank/registry:v3.1.2']),
    );
  });

  it('toolbox has the commands the labs type: wget with --header, nslookup, date, sleep', async () => {
    const output = await docker(
      'run', '--rm', 'werkbank/toolbox:1', 'sh', '-c',
      'wget --help 2>&1 | grep -q -- "--header STR" && echo wget-header; which nslookup date sleep nc',
    );
    expect(output.split('\n')).toEqual(['wget-header', '/bin/nslookup', '/bin/date', '/bin/sleep', '/bin/nc']);
  });

  it('nginx serves its welcome page on port 80 and logs the request to stdout', async () => {
    const { id, ip } = await startContainer('werkbank/nginx:1');
    const { status, body } = await untilAnswers(`http://${ip}/`);
    expect(status).toBe(200);
    expect(body).toContain('Welcome to nginx!');
    await waitFor('Zugriff im Log', async () => (await docker('logs', id)).includes('GET / HTTP/1.1') || undefined);
  });

  it('demo-app shows APP_VERSION, answers /healthz, burns CPU on /burn and runs as uid 10001 on a read-only root', async () => {
    const { ip } = await startContainer('werkbank/demo-app:1', '--read-only', '-e', 'APP_VERSION=shop-1.0');
    const home = await untilAnswers(`http://${ip}:8080/`);
    expect(home.body).toMatch(/^Werkbank-Demo-App shop-1\.0 auf \S+\n$/);
    expect(await httpGet(`http://${ip}:8080/healthz`)).toEqual({ status: 200, body: 'ok\n' });
    expect(await httpGet(`http://${ip}:8080/burn?ms=50`)).toEqual({ status: 200, body: '50 ms gerechnet\n' });
    const wrong = await httpGet(`http://${ip}:8080/burn?ms=viel`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('/burn?ms=200');
    expect(await docker('run', '--rm', '--entrypoint', 'id', 'werkbank/demo-app:1', '-u')).toBe('10001');
  });

  it('demo-app stops at once on SIGTERM (as PID 1), so rollouts do not wait for the grace period', async () => {
    const { id, ip } = await startContainer('werkbank/demo-app:1');
    await untilAnswers(`http://${ip}:8080/healthz`);
    await docker('stop', '--time', '20', id);
    const exitCode = await docker('inspect', '--format', '{{.State.ExitCode}}', id);
    expect(exitCode).toBe('0');
  });

  it('postgres creates user and database from POSTGRES_* on first start and accepts password logins over the network', async () => {
    const { id, ip } = await startContainer(
      'werkbank/postgres:15',
      '-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_PASSWORD=Pg-Geheim-2024', '-e', 'POSTGRES_DB=shop',
    );
    await waitFor('PostgreSQL nimmt Verbindungen an', async () =>
      docker('exec', id, 'pg_isready', '-h', ip, '-U', 'app', '-d', 'shop').then(() => true, () => undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const query = ['psql', '-h', ip, '-U', 'app', '-d', 'shop', '-tAc', 'select current_user || \'@\' || current_database()'];
    expect(await docker('exec', '-e', 'PGPASSWORD=Pg-Geheim-2024', id, ...query)).toBe('app@shop');
    await expect(docker('exec', '-e', 'PGPASSWORD=falsch', id, ...query)).rejects.toThrow(/password authentication failed/);
    expect(await docker('exec', id, 'sh', '-c', 'command -v pg_dump')).toMatch(/pg_dump$/);
  });

  it('registry makes bcrypt htpasswd lines and, with htpasswd auth on, answers /v2/ only to that user', async () => {
    const image = (await labImages()).find((name) => name.startsWith('werkbank/registry:'))!;
    const line = await docker('run', '--rm', '--entrypoint', 'htpasswd', image, '-Bbn', 'lernende', 'geheim123');
    expect(line).toMatch(/^lernende:\$2y\$/);
    const dir = await mkdtemp(join(tmpdir(), 'werkbank-htpasswd-'));
    await chmod(dir, 0o755); // the registry runs as nobody
    await writeFile(join(dir, 'htpasswd'), `${line}\n`);
    const { ip } = await startContainer(
      image,
      '-v', `${dir}:/auth:ro`,
      '-e', 'REGISTRY_AUTH=htpasswd', '-e', 'REGISTRY_AUTH_HTPASSWD_REALM=Werkbank Registry', '-e', 'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd',
    );
    await untilAnswers(`http://${ip}:5000/`);
    const basic = (user: string) => ({ Authorization: `Basic ${Buffer.from(user).toString('base64')}` });
    const anonymous = await fetch(`http://${ip}:5000/v2/`, { signal: AbortSignal.timeout(10_000) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Werkbank Registry"');
    expect((await fetch(`http://${ip}:5000/v2/`, { headers: basic('lernende:falsch') })).status).toBe(401);
    expect((await fetch(`http://${ip}:5000/v2/`, { headers: basic('lernende:geheim123') })).status).toBe(200);
    await rm(dir, { recursive: true, force: true });
  });

  it('postgres refuses to start without a password and says in German what to set', async () => {
    const result = await runProcess('docker', ['run', '--rm', 'werkbank/postgres:15'], { timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('POSTGRES_PASSWORD ist nicht gesetzt');
  });
});
