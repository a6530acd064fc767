/**
 * The emulated metadata service answers as cloud-init's Ec2 datasource expects, and as IMDS does:
 * tokens required and honoured, dated paths, directory listings, 404 for unknown keys; and over a
 * single long-lived TCP stream carrying one guest connection after another (QEMU's guestfwd).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { collect } from '../../src/core/events.js';
import { MetadataService, type ImdsRequest } from '../../src/testing/imds.js';
import { startMetadataServer, type MetadataServer } from '../../src/testing/imds-server.js';
import { RequestReader } from '../../src/testing/http-stream.js';
import type { InstanceFacts } from '../../src/testing/imds-content.js';

const facts: InstanceFacts = {
  instanceId: 'i-0123456789abcdef0',
  amiId: 'ami-0fedcba9876543210',
  hostname: 'kiln-test-abc123',
  localIpv4: '169.254.169.15',
  subnetCidr: '169.254.169.0/24',
  mac: '52:54:00:12:34:56',
  region: 'us-east-1',
  availabilityZone: 'us-east-1a',
  instanceType: 't3.micro',
  architecture: 'x86_64',
  publicKeys: [{ name: 'kiln-test', key: 'ssh-ed25519 AAAAC3Nza kiln-test@x' }],
  userData: '#cloud-config\n',
};

const get = (path: string, token?: string): ImdsRequest => ({ method: 'GET', path, headers: token ? { 'x-aws-ec2-metadata-token': token } : {} });
const tokenOf = (svc: MetadataService, ttl = '21600') => svc.handle({ method: 'PUT', path: '/latest/api/token', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } }).body;

describe('MetadataService', () => {
  it('requires an IMDSv2 token when asked to, and honours it', () => {
    const svc = new MetadataService(facts, { requireToken: true });
    expect(svc.handle(get('/latest/meta-data/instance-id')).status).toBe(401);
    const token = tokenOf(svc);
    expect(token).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(svc.handle(get('/latest/meta-data/instance-id', token))).toMatchObject({ status: 200, body: 'i-0123456789abcdef0' });
    expect(svc.handle(get('/latest/meta-data/instance-id', 'forged')).status).toBe(401);
  });

  it('lets tokens expire after their TTL', () => {
    let now = 1_000_000;
    const svc = new MetadataService(facts, { requireToken: true, now: () => now });
    const token = tokenOf(svc, '60');
    now += 61_000;
    expect(svc.handle(get('/latest/meta-data/', token)).status).toBe(401);
  });

  it.each([
    [{ 'x-aws-ec2-metadata-token-ttl-seconds': '0' }, 400],
    [{ 'x-aws-ec2-metadata-token-ttl-seconds': '21601' }, 400],
    [{}, 400],
    [{ 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '1.2.3.4' }, 403],
  ])('refuses a token request with %j (%i)', (headers, status) => {
    expect(new MetadataService(facts).handle({ method: 'PUT', path: '/latest/api/token', headers }).status).toBe(status);
  });

  it('serves the dated versions cloud-init probes, and the same tree under each', () => {
    const svc = new MetadataService(facts, { requireToken: false });
    expect(svc.handle(get('/')).body.split('\n')).toEqual(expect.arrayContaining(['2009-04-04', '2016-09-02', '2018-09-24', '2021-03-23', 'latest']));
    for (const v of ['2009-04-04', '2021-03-23', 'latest']) {
      expect(svc.handle(get(`/${v}/meta-data/local-hostname`)).body).toBe('kiln-test-abc123');
    }
    expect(svc.handle(get('/2099-01-01/meta-data/instance-id')).status).toBe(404);
  });

  it('lists directories as IMDS does, public keys as index=name', () => {
    const svc = new MetadataService(facts, { requireToken: false });
    const root = svc.handle(get('/2021-03-23/meta-data/')).body.split('\n');
    expect(root).toEqual(expect.arrayContaining(['instance-id', 'hostname', 'public-keys/', 'placement/', 'network/', 'block-device-mapping/']));
    expect(svc.handle(get('/2021-03-23/meta-data/public-keys/')).body).toBe('0=kiln-test');
    expect(svc.handle(get('/2021-03-23/meta-data/public-keys/0/')).body).toBe('openssh-key');
    expect(svc.handle(get('/2021-03-23/meta-data/public-keys/0/openssh-key')).body).toBe('ssh-ed25519 AAAAC3Nza kiln-test@x\n');
    expect(svc.handle(get('/2021-03-23/meta-data/network/interfaces/macs/52:54:00:12:34:56/local-ipv4s')).body).toBe('169.254.169.15');
    expect(svc.servedPublicKey()).toBe(true);
  });

  it('serves user-data and the identity document; 404 for unknown keys', () => {
    const svc = new MetadataService(facts, { requireToken: false });
    expect(svc.handle(get('/latest/user-data')).body).toBe('#cloud-config\n');
    const doc = JSON.parse(svc.handle(get('/latest/dynamic/instance-identity/document')).body) as Record<string, unknown>;
    expect(doc).toMatchObject({ instanceId: 'i-0123456789abcdef0', region: 'us-east-1', architecture: 'x86_64', privateIp: '169.254.169.15' });
    expect(svc.handle(get('/latest/meta-data/no-such-key')).status).toBe(404);
    expect(svc.handle(get('/latest/meta-data/instance-id/deeper')).status).toBe(404);
    expect(new MetadataService({ ...facts, userData: undefined }, { requireToken: false }).handle(get('/latest/user-data')).status).toBe(404);
  });
});

describe('RequestReader', () => {
  it('frames requests split anywhere, skipping bodies', () => {
    const r = new RequestReader();
    const wire = 'PUT /latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 21600\r\nContent-Length: 3\r\n\r\nabcGET /latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n';
    const got: ImdsRequest[] = [];
    for (const ch of wire) got.push(...r.push(Buffer.from(ch)));
    expect(got.map((g) => `${g.method} ${g.path}`)).toEqual(['PUT /latest/api/token', 'GET /latest/meta-data/']);
    expect(got[0]!.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
  });

  it('refuses garbage', () => {
    expect(() => new RequestReader().push(Buffer.from('HELLO\r\n\r\n'))).toThrow(/malformed request line/);
  });
});

describe('the metadata server over one long-lived stream', () => {
  let server: MetadataServer | undefined;
  afterEach(async () => server?.close());

  it('answers every request in order, even after one that says Connection: close, and never closes the stream', async () => {
    const svc = new MetadataService(facts, { requireToken: false });
    server = await startMetadataServer(svc, collect().emit);
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += String(d)));
    const send = (path: string, extra = '') => socket.write(`GET ${path} HTTP/1.1\r\nHost: 169.254.169.254\r\n${extra}\r\n`);
    send('/latest/meta-data/instance-id', 'Connection: close\r\n');
    send('/latest/meta-data/local-hostname', 'Connection: close\r\n');
    send('/latest/meta-data/nope');
    await expect.poll(() => (received.match(/HTTP\/1\.1 /g) ?? []).length).toBe(3);
    expect(received).toContain('\r\n\r\ni-0123456789abcdef0');
    expect(received).toContain('\r\n\r\nkiln-test-abc123');
    expect(received).toContain('HTTP/1.1 404 Not Found');
    expect(socket.destroyed).toBe(false);
    socket.destroy();
  });
});
