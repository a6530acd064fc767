/**
 * Construction of the AWS SDK clients, one per service and region, from the SDK's standard chain
 * (environment, shared config/credentials files, SSO, instance roles) plus --profile, --region and
 * --endpoint-url. The rest of the provider receives an `AwsClients` and never builds a client, so
 * tests hand in clients pointed at the local AWS-compatible endpoint. Every client notes where a
 * failed call went (call-context.ts), so its error can name the service and the operation.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EBSClient } from '@aws-sdk/client-ebs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { KilnError } from '../../core/errors.js';
import { NOTE_OPTIONS, failedCallNote } from './call-context.js';

export interface AwsClients {
  ec2(region: string): EC2Client;
  ebs(region: string): EBSClient;
  s3(region: string): S3Client;
  /** The region the SDK's chain resolves (AWS_REGION, the profile's region). */
  defaultRegion(): Promise<string>;
  /** Closes sockets (keep-alive agents) so the process can exit. */
  destroy(): void;
}

export interface ClientSettings {
  profile?: string;
  endpointUrl?: string;
  /** Most parallel requests expected on one client (block workers); sizes the socket pool. */
  maxSockets?: number;
  /** Deadline of one EC2/S3 request (EBS block requests get their own AbortSignal deadlines). */
  requestTimeoutMs?: number;
  /** Attempts the SDK makes per EC2 or S3 call, with its own backoff (default 6). */
  maxAttempts?: number;
}

/** The SDK's clients log nothing through this (kiln's library never prints). */
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function createAwsClients(settings: ClientSettings = {}): AwsClients {
  // The SDK warns on stderr about Node < 22 once per process; kiln's library never prints, and the
  // SDK documents this variable as the switch (set only when the user has not chosen).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const maxSockets = Math.max(50, (settings.maxSockets ?? 0) + 8);
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  const common = (region: string) => ({
    region,
    profile: settings.profile,
    endpoint: settings.endpointUrl,
    logger: quietLogger,
  });
  const handler = (timeoutMs: number | undefined) => ({
    httpAgent,
    httpsAgent,
    connectionTimeout: 15_000,
    requestTimeout: timeoutMs,
    throwOnRequestTimeout: true,
    logger: quietLogger,
  });
  const note = (service: string, region: string) => failedCallNote({ service, region, ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}) });
  const cache = new Map<string, EC2Client | EBSClient | S3Client>();
  function get<T extends EC2Client | EBSClient | S3Client>(key: string, make: () => T): T {
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  }
  return {
    ec2: (region) =>
      get(`ec2:${region}`, () => {
        const client = new EC2Client({ ...common(region), maxAttempts: settings.maxAttempts ?? 6, requestHandler: handler(settings.requestTimeoutMs ?? 120_000) });
        client.middlewareStack.add(note('EC2', region), NOTE_OPTIONS);
        return client;
      }),
    // EBS direct calls are retried by kiln (per-request AbortSignal deadlines, backoff with jitter
    // across the worker pool), so the SDK makes exactly one attempt per call.
    ebs: (region) =>
      get(`ebs:${region}`, () => {
        const client = new EBSClient({ ...common(region), maxAttempts: 1, requestHandler: handler(undefined) });
        client.middlewareStack.add(note('EBS', region), NOTE_OPTIONS);
        return client;
      }),
    s3: (region) =>
      get(`s3:${region}`, () => {
        const client = new S3Client({
          ...common(region), maxAttempts: settings.maxAttempts ?? 6, forcePathStyle: Boolean(settings.endpointUrl), requestHandler: handler(settings.requestTimeoutMs ?? 300_000),
        });
        client.middlewareStack.add(note('S3', region), NOTE_OPTIONS);
        return client;
      }),
    async defaultRegion() {
      const probe = new EC2Client({ profile: settings.profile, logger: quietLogger });
      try {
        return await probe.config.region();
      } catch (error) {
        throw new KilnError('AWS_NO_REGION', 'no AWS region given and none found in the SDK configuration', {
          cause: error,
          fault: 'user',
          usage: true,
          hint: 'Give --region or --regions, set AWS_REGION, or set a region in the profile (~/.aws/config).',
        });
      } finally {
        probe.destroy();
      }
    },
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
