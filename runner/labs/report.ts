// Self-test results as files for CI: JSON as it is, and JUnit XML (one test suite per lab,
// one test case per step and phase) for CI systems that draw test reports.
import type { LabReport } from './self-test.ts';

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function junitReport(reports: LabReport[]): string {
  const suites = reports.map((report) => {
    const cases = report.phases.map((phase) => {
      const name = xmlEscape(`${phase.step} (${phase.phase})`);
      const time = (phase.durationMs / 1000).toFixed(3);
      if (phase.ok) return `    <testcase classname="${xmlEscape(report.lab)}" name="${name}" time="${time}"/>`;
      const details = [
        ...(phase.checks ?? []).map((check) => `${check.passed ? '✓' : '✗'} ${check.checkId}: ${check.message}`),
        ...(phase.output ? [phase.output] : []),
      ].join('\n');
      return [
        `    <testcase classname="${xmlEscape(report.lab)}" name="${name}" time="${time}">`,
        `      <failure message="${xmlEscape(phase.problem ?? 'fehlgeschlagen')}">${xmlEscape(details)}</failure>`,
        '    </testcase>',
      ].join('\n');
    });
    const failures = report.phases.filter((phase) => !phase.ok).length;
    return [
      `  <testsuite name="${xmlEscape(report.lab)}" tests="${report.phases.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="werkbank lab test">', ...suites, '</testsuites>', ''].join('\n');
}
