/**
 * A small checker for JSON documents that collects one message per broken rule, each naming the
 * field by its path (`payload.images.Cloud.x86_64[0].format`). Hand-written: the rules are
 * productmd's Python validators, which no JSON Schema ships for.
 */
import { COMPOSE_TYPES } from './compose-id.js';
import { COMPOSE_ID_RE, LABEL_RE } from './productmd-rules.js';

export type JsonKind = 'string' | 'int' | 'bool' | 'null' | 'object' | 'array';

function kindOf(value: unknown): JsonKind | 'number' | 'missing' {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}

export class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): false {
    this.problems.push(`${path}: ${message}`);
    return false;
  }

  /** Whether `value` is one of `kinds`; records the problem when not. */
  is(value: unknown, path: string, kinds: readonly JsonKind[]): boolean {
    const kind = kindOf(value);
    if ((kinds as readonly string[]).includes(kind)) return true;
    return this.fail(path, kind === 'missing' ? 'is required' : `must be ${kinds.join(' or ')}, not ${kind}`);
  }

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    return this.is(value, path, ['object']) ? (value as Record<string, unknown>) : undefined;
  }

  /** A string that is not empty. */
  nonBlankString(value: unknown, path: string): value is string {
    if (!this.is(value, path, ['string'])) return false;
    return value !== '' || this.fail(path, 'must not be blank');
  }

  oneOf(value: unknown, path: string, allowed: readonly string[], what: string): boolean {
    if (typeof value === 'string' && allowed.includes(value)) return true;
    return this.fail(path, `${JSON.stringify(value)} is not ${what} (productmd accepts: ${allowed.join(', ')})`);
  }

  matches(value: unknown, path: string, re: RegExp, what: string): boolean {
    if (typeof value === 'string' && re.test(value)) return true;
    return this.fail(path, `${JSON.stringify(value)} is not ${what}`);
  }

  /** The productmd file header: its type, and a `<major>.<minor>` version. */
  header(doc: Record<string, unknown>, type: string): void {
    const header = this.object(doc.header, 'header');
    if (!header) return;
    if (header.type !== type) this.fail('header.type', `must be "${type}", not ${JSON.stringify(header.type)}`);
    if (this.is(header.version, 'header.version', ['string'])) this.matches(header.version, 'header.version', /^\d+\.\d+$/, 'a <major>.<minor> version');
  }

  /** The compose section of composeinfo.json and images.json. */
  compose(value: unknown, path: string): void {
    const c = this.object(value, path);
    if (!c) return;
    if (this.nonBlankString(c.id, `${path}.id`)) this.matches(c.id, `${path}.id`, COMPOSE_ID_RE, 'a compose id (…-YYYYMMDD[.n|.t|.ci].RESPIN)');
    if (this.is(c.date, `${path}.date`, ['string'])) this.matches(c.date, `${path}.date`, /^\d{8}$/, 'a YYYYMMDD date');
    this.oneOf(c.type, `${path}.type`, COMPOSE_TYPES, 'a compose type');
    this.is(c.respin, `${path}.respin`, ['int']);
    if (c.label !== undefined && this.is(c.label, `${path}.label`, ['string', 'null']) && c.label !== null) {
      this.matches(c.label, `${path}.label`, LABEL_RE, 'a milestone label (Beta-1.3, RC-1.6)');
      if (c.final !== undefined) this.is(c.final, `${path}.final`, ['bool']);
    }
  }
}
