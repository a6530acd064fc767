/**
 * A boot test's report: one entry per image (and firmware), each with its named checks, the time
 * from start to SSH login, and where its logs are; as JSON (report.json) and as JUnit XML for CI
 * systems and release dashboards (one testsuite per image, one testcase per check).
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { CheckResult } from './checks.js';

export interface ImageReport {
  image: string;
  arch: string;
  /** nocloud or ec2: how the guest got its metadata. */
  as: string;
  firmware: string;
  user?: string;
  checks: CheckResult[];
  passed: boolean;
  /** Seconds from the domain's start to the first SSH login. */
  loginSeconds?: number;
  /**
   * Of loginSeconds, the attempt that logged in: one SSH login (connection, key exchange, key
   * authentication, a session running `true`), the guest's own cost of being logged into.
   */
  loginAttemptSeconds?: number;
  /**
   * The guest's own part of that: seconds from the domain's start to its kernel's first console
   * line (firmware, boot loader), plus the kernel's start to sshd's (its journal). What is left
   * of loginSeconds, less loginAttemptSeconds, is kiln's: from sshd's start to its last attempt.
   */
  guestBootSeconds?: number;
  durationSeconds: number;
  /** The report directory of this image: console.log, cloud-init logs, domain.xml, report.json. */
  dir: string;
  failure?: { code: string; message: string; details: string[] };
}

export interface TestReport {
  passed: boolean;
  images: ImageReport[];
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });

export function junitXml(report: TestReport): string {
  const suites = report.images.map((r) => {
    const failures = r.checks.filter((c) => c.status === 'fail').length;
    return {
      '@_name': `${r.image} (${r.as}, ${r.firmware})`,
      '@_tests': r.checks.length,
      '@_failures': failures,
      '@_skipped': r.checks.filter((c) => c.status === 'skip').length,
      '@_time': r.durationSeconds.toFixed(1),
      properties: {
        property: [
          { '@_name': 'arch', '@_value': r.arch },
          { '@_name': 'login_seconds', '@_value': r.loginSeconds === undefined ? '' : r.loginSeconds.toFixed(1) },
          { '@_name': 'login_attempt_seconds', '@_value': r.loginAttemptSeconds === undefined ? '' : r.loginAttemptSeconds.toFixed(1) },
          { '@_name': 'report_dir', '@_value': r.dir },
        ],
      },
      testcase: r.checks.map((c) => ({
        '@_name': c.name,
        '@_classname': r.image,
        ...(c.status === 'fail' ? { failure: { '@_message': c.detail, '#text': c.detail } } : {}),
        ...(c.status === 'skip' ? { skipped: { '@_message': c.detail } } : {}),
      })),
    };
  });
  const tests = report.images.reduce((n, r) => n + r.checks.length, 0);
  const failures = report.images.reduce((n, r) => n + r.checks.filter((c) => c.status === 'fail').length, 0);
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: { '@_name': 'kiln test', '@_tests': tests, '@_failures': failures, testsuite: suites },
  }) as string;
}

/** One line per check, then a summary line per image. */
export function formatReport(report: TestReport): string {
  const lines: string[] = [];
  for (const r of report.images) {
    lines.push(`${r.image} (${r.arch}, ${r.as}, ${r.firmware}${r.user ? `, as ${r.user}` : ''})`);
    for (const c of r.checks) lines.push(`  ${c.status === 'pass' ? 'ok  ' : c.status === 'fail' ? 'FAIL' : 'skip'} ${c.name}: ${c.detail}`);
    const passed = r.checks.filter((c) => c.status === 'pass').length;
    const failed = r.checks.filter((c) => c.status === 'fail').length;
    lines.push(
      `  ${r.passed ? 'passed' : 'FAILED'}: ${passed} passed, ${failed} failed, ${r.checks.length - passed - failed} skipped` +
        `${r.loginSeconds !== undefined ? `; SSH login ${r.loginSeconds.toFixed(1)} s after start` : ''}; report in ${r.dir}`,
    );
  }
  return lines.join('\n');
}
