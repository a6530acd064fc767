/**
 * How an AWS call's failure reaches the user, for every service kiln calls: answers that are no
 * AWS error (a proxy's or load balancer's HTML page, an empty 500, a 404 from something that is
 * not EC2) name the service, the operation, the HTTP status and the request id, with a hint about
 * the service or the endpoint, never the SDK's parse error or a hint about the step; an endpoint
 * that does not answer at all says so; AWS's own errors keep their name and the step's hint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../../src/cli/print-error.js';
import { collect } from '../../../src/core/events.js';
import { isKilnError, type KilnError } from '../../../src/core/errors.js';
import { awsError } from '../../../src/providers/aws/aws-errors.js';
import { failedCallNote } from '../../../src/providers/aws/call-context.js';
import { createAwsClients } from '../../../src/providers/aws/clients.js';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import type { PublishEc2Options } from '../../../src/providers/aws/types.js';
import type { Fault } from '../../fixtures/aws-endpoint/state.js';
import { fastTiming, useFakeAws } from './fake-aws.js';
import { MiB, makeSparseImage, tempDir } from './helpers.js';

const aws = useFakeAws();
let dir: string;
let cleanup: () => Promise<void>;
let image: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 4 * MiB, [{ offset: 0, length: MiB }]);
});
afterAll(() => cleanup());

const options = (extra: Partial<PublishEc2Options> = {}): PublishEc2Options => ({
  image, name: 'errors-test', arch: 'x86_64', regions: ['us-east-1'], sha256: 'c'.repeat(64), clients: aws.clients, timing: fastTiming, ...extra,
});

async function failure(extra: Partial<PublishEc2Options> = {}): Promise<KilnError> {
  const error = await publishEc2(options(extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKilnError(error)) throw new Error(`expected a KilnError, got ${String(error)}`);
  return error;
}

const HTML_500 = { status: 500, headers: { 'content-type': 'text/html', 'x-amzn-requestid': 'lb-req-42' }, body: '<html><body><h1>500 Internal Server Error</h1></body></html>' };
const SDK_TEXT = /XML parse|Deserialization|is not valid JSON|\$response|Unknown|vmimport/;

describe('an answer that is no AWS error', () => {
  it.each<[string, Fault, Partial<PublishEc2Options>, RegExp]>([
    ['EC2, an HTML 500 page', { op: 'DescribeImages', action: 'answer', answer: HTML_500, times: Infinity }, {}, /EC2 DescribeImages answered HTTP 500 Internal Server Error with an HTML page/],
    ['EC2, an empty 503', { op: 'RegisterImage', action: 'answer', answer: { status: 503, headers: { 'x-amzn-requestid': 'lb-req-42' } }, times: Infinity }, {}, /EC2 RegisterImage answered HTTP 503 Service Unavailable with an empty body/],
    ['EBS, plain text 502', { op: 'StartSnapshot', action: 'answer', answer: { status: 502, headers: { 'content-type': 'text/plain', 'x-amzn-requestid': 'lb-req-42' }, body: 'Bad Gateway' }, times: Infinity }, {}, /EBS StartSnapshot answered HTTP 502 Bad Gateway with a text\/plain body/],
    ['EBS, a block: HTML 500', { op: 'PutSnapshotBlock', action: 'answer', answer: HTML_500, times: Infinity }, {}, /EBS PutSnapshotBlock answered HTTP 500 Internal Server Error with an HTML page/],
    ['S3, an HTML 500 on the upload', { op: 'PutObject', action: 'answer', answer: HTML_500, times: Infinity }, { method: 'import-snapshot', bucket: 'my-bucket' }, /S3 PutObject answered HTTP 500 Internal Server Error with an HTML page/],
    ['EC2 ImportSnapshot, an HTML 500', { op: 'ImportSnapshot', action: 'answer', answer: HTML_500, times: Infinity }, { method: 'import-snapshot', bucket: 'my-bucket' }, /EC2 ImportSnapshot answered HTTP 500 Internal Server Error with an HTML page/],
  ])('%s: names service, operation, status and request id; the hint is about the service', async (_name, fault, extra, text) => {
    aws.state.buckets.set('my-bucket', 'us-east-1');
    aws.state.faults.push(fault);
    const error = await failure(extra);
    expect(error.message).toMatch(text);
    expect(error.details).toContain('request id lb-req-42');
    expect(error.fault).toBe('external');
    const printed = formatError(error);
    expect(printed).not.toMatch(SDK_TEXT);
    // A custom endpoint failed: the hint says to check it.
    expect(error.hint).toContain(aws.url);
    expect(error.hint).toMatch(/--endpoint-url/);
  });

  it('counts the attempts the SDK made before giving up on a 5xx', async () => {
    aws.state.faults.push({ op: 'DescribeImages', action: 'answer', answer: HTML_500, times: Infinity });
    const error = await failure();
    expect(aws.state.stats.calls.DescribeImages).toBe(2);
    expect(error.details).toContain('after 2 attempts');
  });

  it('a 404 page from something that is not EC2: the hint says the endpoint is wrong, nothing is retried', async () => {
    aws.state.faults.push({ op: 'DescribeImages', action: 'answer', answer: { status: 404, headers: { 'content-type': 'text/html' }, body: '<html>Not Found</html>' }, times: Infinity });
    const error = await failure();
    expect(error.message).toMatch(/EC2 DescribeImages answered HTTP 404 Not Found with an HTML page/);
    expect(error.details.some((d) => d.startsWith('request id'))).toBe(false);
    expect(error.hint).toMatch(new RegExp(`${aws.url.replace(/\./g, '\\.')} does not answer like EC2.*--endpoint-url`));
    expect(aws.state.stats.calls.DescribeImages).toBe(1);
    expect(formatError(error)).not.toMatch(SDK_TEXT);
  });

  it('an S3 object that cannot be deleted after an HTML 500: the left-behind line gives the status, not parse text', async () => {
    aws.state.buckets.set('my-bucket', 'us-east-1');
    aws.state.faults.push({ op: 'DeleteObject', action: 'answer', answer: HTML_500, times: Infinity });
    const { emit, events } = collect();
    await publishEc2(options({ method: 'import-snapshot', bucket: 'my-bucket', emit }));
    const warning = events.find((e) => e.type === 'message' && e.code === 'AWS_ORPHAN');
    expect(warning).toMatchObject({ text: expect.stringMatching(/S3 DeleteObject answered HTTP 500 Internal Server Error with an HTML page/) });
    expect(JSON.stringify(warning)).not.toMatch(SDK_TEXT);
  });
});

describe('the same answers from AWS itself (no --endpoint-url)', () => {
  // What the SDK throws for them, as seen from the local endpoint; the client's note says AWS.
  const sdkError = (status: number, contentType: string) =>
    Object.defineProperty(Object.assign(new Error('Unknown'), { name: 'Unknown', $fault: 'server', $metadata: { httpStatusCode: status, requestId: 'aws-req-7', attempts: 6 } }), '$response', {
      value: { statusCode: status, headers: { 'content-type': contentType } },
    });
  const throughClient = async (error: Error) => {
    const send = failedCallNote({ service: 'EC2', region: 'eu-west-1' })(() => Promise.reject(error), { commandName: 'CopyImageCommand' });
    return send({}).catch((e: unknown) => awsError(e, 'CopyImage to eu-west-1', 'a hint about copies'));
  };

  it('a 5xx: the hint is about the service in that region, to try again later', async () => {
    const error = await throughClient(sdkError(503, 'text/html'));
    expect(error.message).toBe('CopyImage to eu-west-1: EC2 CopyImage answered HTTP 503 Service Unavailable with an HTML page, not an AWS error');
    expect(error.details).toEqual(['request id aws-req-7', 'after 6 attempts']);
    expect(error.hint).toMatch(/EC2 in eu-west-1 failed \(HTTP 503\).*run the same command again later/);
    expect(error.hint).not.toMatch(/endpoint-url|copies/);
  });

  it('a 4xx page: something between kiln and AWS answered', async () => {
    const error = await throughClient(sdkError(403, 'text/html'));
    expect(error.hint).toMatch(/Something between kiln and EC2 answered instead of it.*HTTPS_PROXY/);
  });
});

describe('an endpoint that does not answer', () => {
  it('says which service could not be reached where, and to check the endpoint', async () => {
    const clients = createAwsClients({ endpointUrl: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      const error = await failure({ clients });
      expect(error.code).toBe('AWS_UNREACHABLE');
      expect(error.message).toMatch(/EC2 DescribeImages: no answer from http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
      expect(error.hint).toMatch(/--endpoint-url/);
    } finally {
      clients.destroy();
    }
  });
});

describe("AWS's own errors", () => {
  it('keep their name, status and request id, and the hint of the step', async () => {
    aws.state.faults.push({ op: 'ModifyImageAttribute', action: 'fail', errorName: 'UnauthorizedOperation', status: 403 });
    const error = await failure({ public: true });
    expect(error).toMatchObject({ code: 'AWS_ACCESS_DENIED', fault: 'user' });
    expect(error.message).toMatch(/UnauthorizedOperation: injected failure/);
    expect(error.details).toEqual(expect.arrayContaining(['HTTP status 403', expect.stringMatching(/^request id fx-\d+$/)]));
    expect(error.hint).toMatch(/block public access for AMIs/);
  });
});
