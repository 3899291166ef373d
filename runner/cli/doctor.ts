// `./werkbank doctor [--kurz]`: the machine report; exit 1 when clusters cannot start.
import { formatReport, formatShort, runDoctor } from '../setup/doctor.ts';

const short = process.argv.includes('--kurz');
const report = await runDoctor();
console.log(short ? formatShort(report) : formatReport(report));
process.exitCode = report.blocked ? 1 : 0;
