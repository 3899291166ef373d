// `werkbank grade`: asks the running runner to check every step of every lab in every
// learner's cluster and writes the answer as grade.json and grade.csv.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { gradeCsv, gradeReportSchema } from '../labs/grade.ts';
import { loadInstructorToken } from '../progress/instructor-token.ts';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, token: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('Aufruf: werkbank grade [--url <runner>] [--token <token>] [--out <verzeichnis>]\n\nDer Runner muss laufen (./werkbank start).');
    return 0;
  }
  const config = loadConfig();
  const url = values.url ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const token = values.token ?? loadInstructorToken(config.dataDir, config.instructorToken).token;
  const out = resolve(values.out ?? '.');
  console.log(`Bewerte alle Lernenden mit Cluster über ${url} …`);
  let response: Response;
  try {
    response = await fetch(`${url}/api/lehrende/grade`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  } catch {
    console.error(`Der Runner unter ${url} antwortet nicht. Läuft ./werkbank start?`);
    return 1;
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    console.error(`Der Runner lehnt ab (${response.status}): ${body.error ?? response.statusText}`);
    return 1;
  }
  const report = gradeReportSchema.parse(await response.json());
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'grade.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, 'grade.csv'), gradeCsv(report));
  const passed = report.rows.filter((row) => row.passed).length;
  console.log(`${report.learners} Lernende, ${passed} von ${report.rows.length} Schritten bestanden${report.skipped.length ? `, ohne Cluster: ${report.skipped.length}` : ''}.`);
  console.log(`Geschrieben: ${join(out, 'grade.json')}, ${join(out, 'grade.csv')}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
