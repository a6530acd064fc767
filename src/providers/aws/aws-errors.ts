/**
 * AWS call failures as KilnErrors, the same way for every call. Three kinds:
 * - AWS answered with an AWS error: a stable code per family (credentials, access, quota, …), the
 *   AWS error name and message kept in the text, and the hint of the step that made the call.
 * - Something answered, but not with an AWS error (a load balancer's or proxy's HTML page, an
 *   empty 500, a 404 from a server that is not EC2): the SDK's own text is then about parsing the
 *   body, so the text says what came back instead: service, operation, HTTP status, request id.
 * - Nothing answered (refused, unresolvable, reset, timed out).
 * For the last two the step's hint does not apply (it is about AWS's verdict on the request); the
 * hint is about the service or about --endpoint-url.
 */
import { STATUS_CODES } from 'node:http';
import { KilnError, isKilnError, type ErrorCode, type Fault } from '../../core/errors.js';
import { callOf, type AwsCall } from './call-context.js';

interface Family {
  code: ErrorCode;
  names: RegExp;
  hint: string;
  fault: 'user' | 'external';
}

const FAMILIES: Family[] = [
  {
    code: 'AWS_CREDENTIALS',
    names: /^(CredentialsProviderError|ExpiredToken(Exception)?|InvalidClientTokenId|UnrecognizedClientException|AuthFailure|InvalidAccessKeyId|SignatureDoesNotMatch)$/,
    hint: 'Check the AWS credentials: --profile, AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `aws sso login`.',
    fault: 'user',
  },
  {
    code: 'AWS_ACCESS_DENIED',
    names: /^(AccessDenied(Exception)?|UnauthorizedOperation|OptInRequired|Blocked)$/,
    hint: 'The credentials lack a permission: kiln needs ebs:StartSnapshot/PutSnapshotBlock/CompleteSnapshot, ec2:RegisterImage/CopyImage/DescribeImages/DescribeSnapshots/CreateTags/ModifyImageAttribute/ModifySnapshotAttribute/DeregisterImage/DeleteSnapshot (and s3 + ec2:ImportSnapshot for --method import-snapshot).',
    fault: 'user',
  },
  {
    code: 'AWS_QUOTA',
    names: /^(ServiceQuotaExceededException|ConcurrentLimitExceededException|ResourceLimitExceeded|SnapshotLimitExceeded|AMIQuotaExceeded|ImageLimitExceeded)$/,
    hint: 'An account quota is reached: delete unused snapshots/AMIs or ask AWS for a higher quota.',
    fault: 'external',
  },
  {
    code: 'AWS_NOT_FOUND',
    names: /^(NoSuchBucket|InvalidAMIID\.NotFound|InvalidSnapshot\.NotFound|ResourceNotFoundException|InvalidKeyPair\.NotFound|NotFoundException|KMS\.NotFoundException)$/,
    hint: 'A resource kiln refers to does not exist in that region (bucket, KMS key, snapshot).',
    fault: 'user',
  },
];

const NO_ANSWER_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** What failed, in words, with the code, fault, details and the hint that fit it. */
export interface AwsFailure {
  /** "EC2 RegisterImage answered HTTP 500 …", "InvalidParameterValue: …" (no step in front). */
  text: string;
  code: ErrorCode;
  fault: Fault;
  details: string[];
  hint?: string;
  /** AWS itself gave the verdict: the step's own hint applies (else this failure's hint does). */
  awsVerdict: boolean;
  /**
   * The error to keep as the KilnError's cause: none for an answer that is no AWS error (the
   * SDK's error then only says it could not parse the body, which is not what went wrong).
   */
  cause?: unknown;
}

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string; attempts?: number };
  $response?: { headers?: Record<string, string> };
}

export function explainAwsFailure(error: unknown): AwsFailure {
  const e = (error ?? {}) as SdkError;
  const call = callOf(error);
  const meta = e.$metadata ?? {};
  const ids = [...(meta.requestId ? [`request id ${meta.requestId}`] : []), ...(meta.extendedRequestId ? [`extended request id ${meta.extendedRequestId}`] : [])];
  const attempts = meta.attempts !== undefined && meta.attempts > 1 ? [`after ${meta.attempts} attempts`] : [];
  const status = meta.httpStatusCode;
  if (status !== undefined && !hasAwsErrorCode(e)) {
    const what = call ? `${call.service} ${call.operation}` : 'AWS';
    return {
      text: `${what} answered HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + ` with ${describeBody(e.$response?.headers)}, not an AWS error`,
      code: 'AWS_BAD_ANSWER',
      fault: 'external',
      details: [...ids, ...attempts],
      hint: badAnswerHint(status, call),
      awsVerdict: false,
    };
  }
  if (status === undefined && e.code !== undefined && NO_ANSWER_CODES.has(e.code)) {
    const what = call ? `${call.service} ${call.operation}: ` : '';
    const where = call?.endpoint ?? (call ? `${call.service} in ${call.region}` : 'AWS');
    return {
      text: `${what}no answer from ${where} (${e.code})`,
      code: 'AWS_UNREACHABLE',
      fault: 'external',
      details: attempts,
      hint: call?.endpoint
        ? `Nothing answered at ${call.endpoint}: check --endpoint-url and that the service there is running.`
        : 'Check the network to AWS (DNS, proxy settings such as HTTPS_PROXY, firewall), then run the same command again: kiln goes on from what it made.',
      awsVerdict: false,
      cause: error,
    };
  }
  const name = e.name ?? 'Error';
  const family = FAMILIES.find((f) => f.names.test(name));
  return {
    text: `${name}: ${e.message ?? String(error)}`,
    code: family?.code ?? 'AWS_REQUEST_FAILED',
    fault: family?.fault ?? 'external',
    details: [...(status !== undefined ? [`HTTP status ${status}`] : []), ...ids],
    hint: family?.hint,
    awsVerdict: true,
    cause: error,
  };
}

/** Wraps a failed AWS call: `what` says which step, e.g. "RegisterImage in us-east-1". */
export function awsError(error: unknown, what: string, hint?: string): KilnError {
  if (isKilnError(error)) return error;
  const failure = explainAwsFailure(error);
  return new KilnError(failure.code, `${what}: ${failure.text}`, {
    cause: failure.cause,
    fault: failure.fault,
    hint: failure.awsVerdict ? (hint ?? failure.hint) : failure.hint,
    details: failure.details,
  });
}

/** Whether an error is the given AWS error name (or one of them). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  const code = (error as { Code?: string } | undefined)?.Code;
  return names.some((n) => n === name || n === code);
}

/**
 * Whether the SDK found an AWS error code in the answer. It could not parse the body: no `$fault`.
 * It parsed a body that names no error: 'Unknown', or 'NotFound' with no message (its stand-in
 * for a bare 404; kiln calls no S3 HEAD operation, where a bare 404 is S3's own answer).
 */
function hasAwsErrorCode(e: SdkError): boolean {
  if (e.$fault === undefined) return false;
  if (e.name === 'Unknown') return false;
  return !(e.name === 'NotFound' && /^Unknown(Error)?$/.test(e.message ?? ''));
}

function describeBody(headers: Record<string, string> | undefined): string {
  const type = (headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/html') return 'an HTML page';
  if (type) return `a ${type} body`;
  return headers?.['content-length'] === undefined || headers['content-length'] === '0' ? 'an empty body' : 'a body of no declared type';
}

function badAnswerHint(status: number, call: AwsCall | undefined): string {
  const service = call?.service ?? 'AWS';
  if (call?.endpoint) {
    return status >= 500
      ? `The endpoint at ${call.endpoint} failed (HTTP ${status}) without an AWS error: check that --endpoint-url names a healthy AWS-compatible service, then run the same command again.`
      : `${call.endpoint} does not answer like ${service}: check --endpoint-url (one address serves EC2, EBS and S3).`;
  }
  return status >= 500
    ? `${service} in ${call?.region ?? 'that region'} failed (HTTP ${status}) and kiln's retries did not get past it: run the same command again later (kiln goes on from what it made); the AWS Health Dashboard shows outages.`
    : `Something between kiln and ${service} answered instead of it (a proxy? check HTTPS_PROXY and the network), then run the same command again.`;
}
