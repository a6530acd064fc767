/**
 * Oz's TDL schema (oz/tdl.rng) as data: which elements may appear where and how often, which
 * attributes they take, which hold booleans. The reader checks a document against it before the
 * checks Oz's TDL.py adds in code.
 */

export interface AttrRule {
  required?: boolean;
  values?: string[];
  pattern?: RegExp;
}

export interface ElementRule {
  /** Child element → [min, max] occurrences. Absent: a text-only element. */
  children?: Record<string, [number, number]>;
  /** At least this many children in all (Oz's oneOrMore over a choice). */
  minChildren?: number;
  attrs?: Record<string, AttrRule>;
  /** The text, exactly as written (no blanks around it), must be true, false, yes or no in any case. */
  bool?: boolean;
}

const MANY = Number.POSITIVE_INFINITY;
const script: ElementRule = {
  attrs: { name: { required: true }, type: { values: ['raw', 'base64', 'url'] }, position: { pattern: /^[0-9]*$/ } },
};

/** Keyed by the element path below the root ('template', 'template/os' …). */
export const TDL_SCHEMA: Record<string, ElementRule> = {
  template: {
    attrs: { version: {} },
    children: {
      name: [1, 1],
      os: [1, 1],
      description: [0, 1],
      packages: [0, 1],
      files: [0, 1],
      commands: [0, 1],
      precommands: [0, 1],
      repositories: [0, 1],
      disk: [0, 1],
    },
  },
  'template/os': {
    children: { name: [1, 1], version: [1, 1], arch: [1, 1], install: [1, 1], rootpw: [0, 1], key: [0, 1], kernelparam: [0, 1], icicle: [0, 1] },
  },
  'template/os/install': {
    attrs: { type: { required: true, values: ['url', 'iso'] } },
    children: { url: [0, 1], iso: [0, 1], md5sum: [0, 1], sha1sum: [0, 1], sha256sum: [0, 1], extras: [0, 1] },
  },
  'template/os/install/extras': { children: { directory: [0, MANY], file: [0, MANY] }, minChildren: 1 },
  'template/os/install/extras/directory': { attrs: { source: { required: true }, destination: { required: true } } },
  'template/os/install/extras/file': { attrs: { source: { required: true }, destination: { required: true } } },
  'template/os/icicle': { children: { extra_command: [1, 1] } },
  'template/packages': { children: { package: [0, MANY] } },
  'template/packages/package': { attrs: { name: { required: true } }, children: { repository: [0, 1], file: [0, 1], arguments: [0, 1] } },
  'template/files': { children: { file: [0, MANY] } },
  'template/files/file': { attrs: { name: { required: true }, type: { values: ['raw', 'base64', 'url'] } } },
  'template/commands': { children: { command: [0, MANY] } },
  'template/commands/command': script,
  'template/precommands': { children: { command: [0, MANY] } },
  'template/precommands/command': script,
  'template/repositories': { children: { repository: [0, MANY] } },
  'template/repositories/repository': {
    attrs: { name: { required: true } },
    children: { url: [1, 1], signed: [0, 1], persisted: [0, 1], sslverify: [0, 1] },
  },
  'template/repositories/repository/signed': { bool: true },
  'template/repositories/repository/persisted': { bool: true },
  'template/repositories/repository/sslverify': { bool: true },
  'template/disk': { children: { size: [1, 1] } },
};

/**
 * Oz's base64 (oz/tdl.rng): the text exactly as written, no blanks or line breaks; then Python's
 * decoder must take it (TDL.py decodes it), which rejects a length that does not fit the padding.
 */
export function isOzBase64(text: string): boolean {
  if (!/^[a-zA-Z0-9+/]+={0,2}$/.test(text)) return false;
  const data = text.replace(/=+$/, '').length;
  const pad = text.length - data;
  return data % 4 === 0 || (data % 4 === 2 && pad >= 2) || (data % 4 === 3 && pad >= 1);
}

/** Oz's disk size, as its schema allows it: digits, at most one run of spaces, an optional unit. */
export const DISK_SIZE = /^([0-9]*) *([kKmMgGtTpPeEzZyY]?[iI]?[bB]?)$/;

export const BOOL_TRUE = ['true', 'yes'];
export const BOOL_FALSE = ['false', 'no'];

/** The only `<template version>` Oz's schema allows. */
export const TDL_SCHEMA_VERSION = '1.0';

/** Repository hosts Oz refuses (TDL.py compares the URL's host[:port] with these, as written). */
export const LOCALHOST = ['localhost', '127.0.0.1', 'localhost.localdomain'];
