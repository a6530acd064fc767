/**
 * AWS SDK failures as KilnErrors: a stable code per family (credentials, access, quota, …), the
 * AWS error name and message kept in the text, and a hint that says what to do.
 */
import { KilnError, isKilnError, type ErrorCode } from '../../core/errors.js';

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

/** Wraps a failed AWS call: `what` says which step, e.g. "RegisterImage in us-east-1". */
export function awsError(error: unknown, what: string, hint?: string): KilnError {
  if (isKilnError(error)) return error;
  const e = (error ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const name = e.name ?? 'Error';
  const family = FAMILIES.find((f) => f.names.test(name));
  const status = e.$metadata?.httpStatusCode;
  const details = [
    ...(status !== undefined ? [`HTTP status ${status}`] : []),
    ...(e.$metadata?.requestId ? [`request id ${e.$metadata.requestId}`] : []),
  ];
  return new KilnError(family?.code ?? 'AWS_REQUEST_FAILED', `${what}: ${name}: ${e.message ?? String(error)}`, {
    cause: error,
    fault: family?.fault ?? 'external',
    hint: hint ?? family?.hint,
    details,
  });
}

/** Whether an error is the given AWS error name (or one of them). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  const code = (error as { Code?: string } | undefined)?.Code;
  return names.some((n) => n === name || n === code);
}
