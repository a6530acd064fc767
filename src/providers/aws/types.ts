/**
 * The public shapes of the EC2 publisher: what a caller asks for and what it gets back. None of
 * these mention an @aws-sdk type, so callers (the CLI, `kiln build/target`) stay SDK-free.
 */
import type { Emit } from '../../core/events.js';
import type { AwsClients } from './clients.js';

export type Ec2Arch = 'i386' | 'x86_64';
export type UploadMethod = 'ebs-direct' | 'import-snapshot';
export type BootMode = 'legacy-bios' | 'uefi' | 'uefi-preferred';

/** EBS snapshots are made of 512 KiB blocks (EBS direct APIs, fixed). */
export const EBS_BLOCK_SIZE = 512 * 1024;
export const GIB = 1024 ** 3;

/** Tags kiln reads back to find its own work. */
export const TAG = {
  sha256: 'kiln:sha256',
  name: 'kiln:name',
  version: 'kiln:version',
  /** The compose an image belongs to (set when `kiln drop` publishes it). */
  compose: 'kiln:compose',
  /** Set on a snapshot once CompleteSnapshot succeeded (a pending one without it is resumable). */
  upload: 'kiln:upload',
  orphan: 'kiln:orphan',
} as const;

/** Deadlines, retry and polling knobs (tests shrink them; users rarely need to). */
export interface PublishTiming {
  /** Deadline of one HTTP request; a hung request is aborted and retried. */
  requestTimeoutMs: number;
  /** Attempts per block / EBS call (first try included). */
  attempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Interval between state polls (snapshot, import task, image). */
  pollMs: number;
  /** How long to wait for a snapshot to become `completed`. */
  snapshotWaitMs: number;
  /** How long to wait for an AMI (registered or copied) to become `available`. */
  imageWaitMs: number;
  /** How long an ImportSnapshot task may take. */
  importWaitMs: number;
}

export const DEFAULT_TIMING: PublishTiming = {
  requestTimeoutMs: 60_000,
  attempts: 10,
  backoffBaseMs: 250,
  backoffMaxMs: 20_000,
  pollMs: 5_000,
  snapshotWaitMs: 2 * 3600_000,
  imageWaitMs: 3 * 3600_000,
  importWaitMs: 6 * 3600_000,
};

export interface PublishEc2Options {
  /** Path of the raw disk image. */
  image: string;
  /** AMI name (EC2 rules: 3–128 characters of letters, digits and ()[] ./-'@_). */
  name: string;
  description?: string;
  arch: Ec2Arch;
  /** Regions to publish in. The snapshot is made in the first (or `region`); the AMI is copied to the rest. */
  regions?: string[];
  /** Source region; default: the first of `regions`, else the SDK's chain (AWS_REGION, profile). */
  region?: string;
  profile?: string;
  /** An AWS-compatible endpoint (emulator, private endpoint) used for EBS, EC2 and S3. */
  endpointUrl?: string;
  /** Default 'ebs-direct'. */
  method?: UploadMethod;
  /** S3 bucket for --method import-snapshot. */
  bucket?: string;
  /** Parallel block uploads (default 64). */
  workers?: number;
  public?: boolean;
  /** Extra tags on the AMIs and snapshots (keys under aws: and kiln: are reserved). */
  tags?: Record<string, string>;
  /** The compose id the image belongs to, tagged kiln:compose (set by `kiln drop`). */
  compose?: string;
  encrypted?: boolean;
  /** KMS key ARN (implies encrypted). */
  kmsKeyId?: string;
  /** EBS volume type of the root device (default gp3). */
  volumeType?: string;
  /** Root volume size in GiB (default: image size rounded up). */
  volumeSizeGiB?: number;
  /** Default /dev/xvda. */
  rootDeviceName?: string;
  /** Default true. */
  ena?: boolean;
  /** SriovNetSupport=simple (default true). */
  sriov?: boolean;
  bootMode?: BootMode;
  /** ImdsSupport v2.0 (instances launched from the AMI require IMDSv2). */
  imdsV2?: boolean;
  /** The image's SHA-256 (hex) when the caller already knows it; otherwise it is computed. */
  sha256?: string;
  timing?: Partial<PublishTiming>;
  emit?: Emit;
  signal?: AbortSignal;
  /** Injected clients (tests, or a caller that shares them); default: built from profile/region/endpoint. */
  clients?: AwsClients;
}

export interface UploadStats {
  /** Blocks of the whole volume (virtual size / 512 KiB). */
  blocksTotal: number;
  blocksSent: number;
  bytesSent: number;
  /** Blocks not sent: holes, and all-zero data blocks on unencrypted snapshots. */
  blocksSkipped: number;
  seconds: number;
}

export type ResourceState = 'created' | 'reused' | 'resumed';

export interface RegionImage {
  region: string;
  imageId: string;
  snapshotId: string;
  state: ResourceState;
  public: boolean;
}

export interface PublishResult {
  name: string;
  sha256: string;
  arch: Ec2Arch;
  method: UploadMethod;
  sourceRegion: string;
  snapshot: { id: string; state: ResourceState; upload?: UploadStats };
  /** Source region first, then the copies in the order asked. */
  images: RegionImage[];
}
