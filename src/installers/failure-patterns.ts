/**
 * Failure patterns: lines in an installer's log or console that mean the install has failed. Each
 * installer driver ships its own table (data); the guest state machine matches every whole line
 * against the driver's table and ends the build within seconds of a match.
 */

export interface FailurePattern {
  id: string;
  /** A substring or a regular expression tested against each whole line. */
  test: string | RegExp;
  /** What kiln says the failure is. */
  summary: string;
}

export interface FailureMatch {
  pattern: FailurePattern;
  line: string;
}

export function matchFailure(line: string, patterns: readonly FailurePattern[]): FailureMatch | undefined {
  for (const pattern of patterns) {
    const hit = typeof pattern.test === 'string' ? line.includes(pattern.test) : pattern.test.test(line);
    if (hit) return { pattern, line };
  }
  return undefined;
}
