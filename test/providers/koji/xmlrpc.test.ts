import { describe, expect, it } from 'vitest';
import { asNumber, decodeResponse, encodeCall } from '../../../src/providers/koji/xmlrpc.js';
import { KojiFault, kojiFaultOf } from '../../../src/providers/koji/faults.js';
import { KilnError } from '../../../src/core/errors.js';

const response = (value: string) => `<?xml version="1.0"?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`;
const esc = (t: string) => t.replace(/&(?!apos;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fault = (code: number, text: string) =>
  `<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>${code}</int></value></member><member><name>faultString</name><value><string>${esc(text)}</string></value></member></struct></value></fault></methodResponse>`;

describe('encodeCall', () => {
  it('sends keyword arguments as Koji does: a trailing struct marked __starstar', () => {
    const xml = encodeCall('listArchives', [], { buildID: 7, type: undefined });
    expect(xml).toContain('<methodName>listArchives</methodName>');
    expect(xml).toContain('<member><name>buildID</name><value><int>7</int></value></member><member><name>__starstar</name><value><boolean>1</boolean></value></member>');
    expect(xml).not.toContain('<name>type</name>');
  });

  it('sends null as nil, drops undefined members and keeps large sizes exact', () => {
    const xml = encodeCall('x', [null, { a: undefined, b: 4_600_000_000 }, [undefined]]);
    expect(xml).toContain('<value><nil/></value>');
    expect(xml).toContain('<int>4600000000</int>');
    expect(xml).not.toContain('<name>a</name>');
    expect(xml).toContain('<array><data><value><nil/></value></data></array>');
  });

  it('refuses a string XML cannot carry, naming the method', () => {
    expect(() => encodeCall('CGImport', ['a]]>b<'])).toThrow(expect.objectContaining({ code: 'KOJI_BAD_VALUE' }));
  });
});

describe('decodeResponse', () => {
  it('reads nil as null, i8 as digits that asNumber turns into a number, and structs', async () => {
    const value = await decodeResponse('getBuild', response('<struct><member><name>a</name><value><nil/></value></member><member><name>size</name><value><i8>4600000000</i8></value></member><member><name>s</name><value>text</value></member></struct>'));
    expect(value).toEqual({ a: null, size: '4600000000', s: 'text' });
    expect(asNumber((value as { size: string }).size)).toBe(4_600_000_000);
    expect(asNumber(12)).toBe(12);
    expect(asNumber('12a')).toBeUndefined();
  });

  it('turns a body that is not XML-RPC into KOJI_BAD_RESPONSE', async () => {
    await expect(decodeResponse('getBuild', '<html>login</html>')).rejects.toMatchObject({ code: 'KOJI_BAD_RESPONSE' });
  });
});

describe('Koji faults become KilnErrors with Koji\'s code and text', () => {
  it.each([
    [1000, 'Build already exists: x-1-1 (id=3)', 'KOJI_ERROR', 'GenericError', 'external'],
    [1002, 'No user found for cert', 'KOJI_AUTH_ERROR', 'AuthError', 'user'],
    [1004, 'content generator kiln not allowed for cguser', 'KOJI_NOT_ALLOWED', 'ActionNotAllowed', 'user'],
    [1003, 'Package x not in list for tag t', 'KOJI_TAG_ERROR', 'TagError', 'user'],
    [1008, '5 > 3 (session 12)', 'KOJI_AUTH_ERROR', 'SequenceError', 'kiln'],
    [1019, 'Invalid name or id value: None', 'KOJI_PARAMETER_ERROR', 'ParameterError', 'kiln'],
    [1020, 'Build does not have type image', 'KOJI_IMPORT_ERROR', 'ImportError', 'external'],
    [1, "<class 'KeyError'>: 'start_time'", 'KOJI_HUB_ERROR', 'unexpected hub exception', 'external'],
    [4242, 'something new', 'KOJI_FAULT', 'fault', 'external'],
  ])('fault %i', async (code, text, kilnCode, name, whose) => {
    const error = (await decodeResponse('CGImport', fault(code, text)).catch((e: unknown) => e)) as KilnError;
    expect(error).toBeInstanceOf(KilnError);
    expect(error).toMatchObject({ code: kilnCode, fault: whose });
    expect(error.message).toBe(`Koji CGImport: ${text} (fault ${code}, ${name})`);
    const cause = kojiFaultOf(error)!;
    expect(cause).toBeInstanceOf(KojiFault);
    expect([cause.method, cause.faultCode, cause.faultString]).toEqual(['CGImport', code, text]);
  });

  it('keeps a traceback out of the message and in the details', async () => {
    const tb = 'Traceback (most recent call last):\n  File "kojihub.py", line 1, in x\nKeyError: &apos;tools&apos;';
    const error = (await decodeResponse('CGImport', fault(1, tb)).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toBe("Koji CGImport: KeyError: 'tools' (fault 1, unexpected hub exception)");
    expect(error.details).toEqual(['Traceback (most recent call last):', '  File "kojihub.py", line 1, in x']);
  });
});

describe('a long base64 argument', () => {
  it('is spliced into the same document the library would build', async () => {
    const { default: xmlrpc } = await import('@foxglove/xmlrpc');
    const data = Buffer.alloc(200_000, 7).toString('base64');
    const args = ['dir', 'name', '200000', ['sha256', 'ab'], '0', data];
    expect(encodeCall('uploadFile', args)).toBe(xmlrpc.serializeMethodCall('uploadFile', args, 'utf-8'));
  });
});
