/**
 * `kiln publish ec2 IMAGE --name NAME --arch ARCH …`: uploads a raw image as an EBS snapshot,
 * registers the AMI, copies it to other regions. Flags as data; the work is the AWS provider's
 * (imported lazily: the SDK is heavy and only this command needs it).
 */
import { usageError } from '../../core/errors.js';
import { defineCommand, type CommandSpec } from '../command.js';
import { jobContext } from './shared-options.js';

const HELP = `How the upload works:
  The default method writes the image straight into a new EBS snapshot with the EBS direct APIs,
  64 blocks of 512 KiB in flight (--workers), each with its SHA-256, retried with backoff on
  throttling, 5xx, timeouts and dropped connections. Only blocks that hold data are read and sent:
  holes in the sparse file (and all-zero blocks) are skipped, because a block never written to a
  new unencrypted snapshot reads back as zeroes.

  Encrypted snapshots (--encrypted, --kms-key, or an account that encrypts EBS by default) get
  EVERY block, holes included, as explicit zero blocks: kiln does not rely on how EBS presents
  blocks that were never written to an encrypted snapshot, so the volume's content is always
  exactly the image. This sends the image's full virtual size, not just its data.

  --method import-snapshot uploads the whole file to S3 (--bucket, multipart), runs EC2
  ImportSnapshot (needs the vmimport service role) and deletes the S3 object afterwards.

Idempotent and clean:
  Everything is tagged kiln:sha256 (the image's SHA-256) and kiln:name. A re-run with the same
  image and --name reuses the AMIs and snapshot it finds and creates nothing new; a run that died
  resumes (a completed snapshot is reused, a pending one waited for or completed). If a run fails,
  what it created is deleted; what cannot be deleted is tagged kiln:orphan and listed in the error.

Credentials and region come from the AWS SDK's standard chain (AWS_PROFILE, AWS_REGION, ~/.aws,
SSO, instance roles); --profile, --region and --endpoint-url override them. The first of
--regions is where the snapshot is made; the AMI is copied to the others in parallel.`;

interface PublishEc2Flags {
  name?: string;
  arch?: string;
  description?: string;
  regions?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  method?: 'ebs-direct' | 'import-snapshot';
  bucket?: string;
  workers?: string;
  public?: boolean;
  tag?: string[];
  encrypted?: boolean;
  kmsKey?: string;
  volumeType?: string;
  volumeSize?: string;
  rootDevice?: string;
  bootMode?: 'legacy-bios' | 'uefi' | 'uefi-preferred';
  imdsV2?: boolean;
  /** --no-ena sets false. */
  ena?: boolean;
  /** --no-sriov sets false. */
  sriov?: boolean;
  sha256?: string;
}

export const publishEc2Command = defineCommand<PublishEc2Flags>({
  name: 'ec2',
  summary: 'upload a raw image as an EBS snapshot, register the AMI, copy it to regions',
  args: ['<image>'],
  options: [
    { flags: '--name <name>', description: "AMI name (3-128 chars: letters, digits, ()[] ./-'@_)" },
    { flags: '--arch <arch>', description: 'architecture of the image', choices: ['x86_64', 'i386', 'i686'] },
    { flags: '--description <text>', description: 'AMI and snapshot description' },
    { flags: '--regions <list>', description: 'comma-separated regions; the first gets the snapshot, the rest get copies' },
    { flags: '--region <region>', description: 'source region (default: first of --regions, else the SDK configuration)' },
    { flags: '--profile <name>', description: 'AWS profile from the shared config files' },
    { flags: '--endpoint-url <url>', description: 'AWS-compatible endpoint for EBS, EC2 and S3 (emulators, private endpoints)' },
    { flags: '--method <method>', description: 'upload method', choices: ['ebs-direct', 'import-snapshot'], default: 'ebs-direct' },
    { flags: '--bucket <bucket>', description: 'S3 bucket for --method import-snapshot' },
    { flags: '--workers <n>', description: 'parallel block uploads', default: '64' },
    { flags: '--public', description: 'launch permission and create-volume permission for everyone' },
    { flags: '--tag <key=value>', description: 'extra tag on the AMIs and snapshots (repeatable)', repeatable: true },
    { flags: '--encrypted', description: 'encrypt the snapshot (every block is sent, see below)' },
    { flags: '--kms-key <arn>', description: 'KMS key ARN for the encrypted snapshot (implies --encrypted)' },
    { flags: '--volume-type <type>', description: 'root volume type', choices: ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'], default: 'gp3' },
    { flags: '--volume-size <GiB>', description: 'root volume size (default: the image size rounded up to GiB)' },
    { flags: '--root-device <name>', description: 'root device name', default: '/dev/xvda' },
    { flags: '--boot-mode <mode>', description: 'boot mode', choices: ['legacy-bios', 'uefi', 'uefi-preferred'] },
    { flags: '--imds-v2', description: 'instances launched from the AMI require IMDSv2 (ImdsSupport v2.0)' },
    { flags: '--no-ena', description: 'do not mark the AMI as ENA-capable' },
    { flags: '--no-sriov', description: 'do not set SriovNetSupport=simple' },
    { flags: '--sha256 <hex>', description: "the image's SHA-256 if already known (skips hashing)" },
  ],
  examples: [
    'kiln publish ec2 out/Fedora-Cloud-Base-19.x86_64.raw --name Fedora-Cloud-Base-19-Beta --arch x86_64 \\\n      --regions us-east-1,eu-west-1,ap-southeast-2 --public --tag milestone=Beta',
    'kiln publish ec2 image.raw --name test --arch i386 --method import-snapshot --bucket my-bucket',
  ],
  helpText: HELP,
  async action(args, f, ctx) {
    if (!f.name) throw usageError("'kiln publish ec2' needs --name", 'Give the AMI name, e.g. --name Fedora-Cloud-Base-19.');
    if (!f.arch) throw usageError("'kiln publish ec2' needs --arch", 'Give --arch x86_64 or --arch i386.');
    const [{ runJob }, { ec2Arch, formatPublishTable }] = await Promise.all([import('../../pipeline/job.js'), import('../../providers/aws/index.js')]);
    const result = await runJob(
      {
        publish: {
          ec2: {
            image: args[0]!,
            name: f.name,
            description: f.description,
            arch: ec2Arch(f.arch)!,
            regions: f.regions?.split(',').map((r) => r.trim()).filter(Boolean),
            region: f.region,
            profile: f.profile,
            endpointUrl: f.endpointUrl,
            method: f.method,
            bucket: f.bucket,
            workers: f.workers === undefined ? undefined : Number(f.workers),
            public: Boolean(f.public),
            tags: parseTags(f.tag ?? []),
            encrypted: Boolean(f.encrypted),
            kmsKeyId: f.kmsKey,
            volumeType: f.volumeType,
            volumeSizeGiB: f.volumeSize === undefined ? undefined : Number(f.volumeSize),
            rootDeviceName: f.rootDevice,
            bootMode: f.bootMode,
            imdsV2: Boolean(f.imdsV2),
            ena: f.ena !== false,
            sriov: f.sriov !== false,
            sha256: f.sha256,
          },
        },
      },
      jobContext({}, ctx),
    );
    const published = result.published!.ec2;
    return { text: formatPublishTable(published), json: published };
  },
});

export const publishCommand: CommandSpec = {
  name: 'publish',
  summary: 'publish an image to a cloud (ec2)',
  subcommands: [publishEc2Command],
};

/** `--tag key=value` flags into a map (the value may contain '='; an empty value is allowed). */
export function parseTags(flags: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw usageError(`invalid --tag '${flag}'`, 'Use --tag key=value.');
    tags[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return tags;
}
