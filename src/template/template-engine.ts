/**
 * The small language of guest-templates/: `{{name}}` substitutes a variable, `{{name|q}}` quotes
 * it as one kickstart word, `{{name|lines}}` puts each comma- or space-separated item on its own
 * line; a line holding only `{{if EXPR}}`, `{{elif EXPR}}`, `{{else}}` or `{{end}}` selects lines.
 * EXPR is `name`, `!name`, `name OP value` (OP: == != < <= > >=; numbers compare as numbers), or
 * several joined by `&&` / `||`. Hand-written: the templates need this much and no more, and a
 * general engine (handlebars, nunjucks) would be a dependency the project does not allow.
 */
import { quoteWord } from './kickstart/tokenize.js';

export type TemplateVars = Record<string, string>;

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false' && v.toLowerCase() !== 'no';
}

function term(expr: string, vars: TemplateVars, line: number): boolean {
  const t = expr.trim();
  const m = /^(\w+)\s*(==|!=|<=|>=|<|>)\s*(\S+)$/.exec(t);
  if (m) {
    const [, name, op, rhs] = m;
    const lhs = vars[name!];
    if (lhs === undefined) throw new TemplateError(`unknown variable '${name}' in {{if}}`, line);
    const num = /^-?\d+(\.\d+)?$/.test(lhs) && /^-?\d+(\.\d+)?$/.test(rhs!);
    const a: number | string = num ? Number(lhs) : lhs;
    const b: number | string = num ? Number(rhs) : rhs!;
    switch (op) {
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  }
  const neg = t.startsWith('!');
  const name = neg ? t.slice(1).trim() : t;
  if (!/^\w+$/.test(name)) throw new TemplateError(`cannot read condition '${expr}'`, line);
  return neg !== truthy(vars[name]);
}

export function evaluate(expr: string, vars: TemplateVars, line = 0): boolean {
  return expr.split('||').some((alt) => alt.split('&&').every((t) => term(t, vars, line)));
}

function substitute(text: string, vars: TemplateVars, line: number): string {
  return text.replace(/\{\{\s*(\w+)\s*(?:\|\s*(\w+)\s*)?\}\}/g, (_m, name: string, filter?: string) => {
    const v = vars[name];
    if (v === undefined) throw new TemplateError(`unknown variable '${name}'`, line);
    if (!filter) return v;
    if (filter === 'q') return quoteWord(v);
    if (filter === 'lines') return v.split(/[\s,]+/).filter(Boolean).join('\n');
    throw new TemplateError(`unknown filter '${filter}' (use q or lines)`, line);
  });
}

interface Frame {
  /** Whether the enclosing frames are all active. */
  parent: boolean;
  /** Whether some branch of this if has been taken. */
  taken: boolean;
  active: boolean;
  line: number;
}

export function renderTemplate(text: string, vars: TemplateVars): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const active = () => stack.every((f) => f.active);
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const d = /^\s*\{\{\s*(if|elif|else|end)\b\s*(.*?)\s*\}\}\s*$/.exec(raw);
    if (!d) {
      if (active()) out.push(substitute(raw, vars, line));
      return;
    }
    const [, kw, expr] = d;
    const top = stack.at(-1);
    if (kw === 'if') {
      const parent = active();
      const on = parent && evaluate(expr!, vars, line);
      stack.push({ parent, taken: on, active: on, line });
    } else if (!top) {
      throw new TemplateError(`{{${kw}}} without {{if}}`, line);
    } else if (kw === 'elif') {
      const on = top.parent && !top.taken && evaluate(expr!, vars, line);
      top.active = on;
      top.taken ||= on;
    } else if (kw === 'else') {
      top.active = top.parent && !top.taken;
      top.taken = true;
    } else {
      stack.pop();
    }
  });
  if (stack.length) throw new TemplateError('{{if}} without {{end}}', stack.at(-1)!.line);
  return out.join('\n');
}
