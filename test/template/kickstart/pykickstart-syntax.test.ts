/**
 * kiln's command tables against pykickstart's handlers, version by version: which commands exist,
 * are deprecated or removed; every option's spellings, whether it takes a value, the value's
 * type or allowed values, whether it is required or deprecated; which commands conflict.
 * The reference is test/fixtures/pykickstart/syntax.json, recorded from pykickstart's source by
 * scripts/pykickstart/dump-syntax.py.
 */
import { describe, expect, it } from 'vitest';
import { PK, tableDifferences } from './pykickstart-reference.js';

describe("kiln's kickstart tables equal pykickstart's handlers", () => {
  it(`for all ${PK.versions.length} syntax versions of pykickstart ${PK.pykickstart.version}`, () => {
    expect(tableDifferences()).toEqual([]);
  });
});
