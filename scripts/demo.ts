/**
 * `npm run demo [-- --out DIR] [-- --label L | --nightly] [-- --store DIR]`: the README's first
 * command, end to end on this machine. It builds (or reuses) the Anaconda TEST DOUBLE's install
 * trees for both arches — no Fedora mirror is needed — serves them on host loopback as a mirror
 * would, starts the local AWS-compatible endpoint the tests use, and runs `kiln drop` with the
 * shipped spec (scripts/demo/fedora-cloud.drop.yaml) exactly as a user types it: a two-arch drop
 * of a generic cloud image (qcow2, raw.xz, raw.tar.xz), an EC2 image (raw.xz, published as AMIs)
 * and an appliance, every output boot-tested, checksummed, described in productmd's metadata,
 * and the summary printed. Its x86_64 images are hybrid BIOS+UEFI as Fedora's are (installed under
 * OVMF, their AMIs registered uefi-preferred); its i686 images boot BIOS (AMIs legacy-bios).
 * Running it again resumes an unfinished compose or starts the next respin, its installs store
 * hits.
 */
import { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { openHypervisor } from '../hypervisor/index.js';
import { checkGuestCanReach } from '../src/core/guest-access.js';
import { main } from '../src/cli/main.js';
import { toKilnError } from '../src/core/errors.js';
import { defaultStoreDir } from '../src/core/paths.js';
import { PROJECT_ROOT } from '../src/core/version.js';
import { buildTestInstallerTree } from './test-installer/tree.js';
import { serveTestTrees } from './test-installer/serve.js';
import { startFakeAwsEndpoint } from '../test/fixtures/aws-endpoint/server.js';

/** The spec names these ports. */
const AWS_PORT = 47811;
const SPEC = resolve(PROJECT_ROOT, 'scripts/demo/fedora-cloud.drop.yaml');

async function demo(argv: string[]): Promise<number> {
  const program = new Command('demo')
    .description("kiln's demo: a two-arch image drop from the Anaconda test double")
    .option('--out <dir>', 'where the compose goes', 'out')
    .option('--label <label>', 'milestone label', 'Beta-1.3')
    .option('--nightly', 'a nightly compose instead of a milestone')
    .option('--store <dir>', 'base image store (default: kiln’s own)')
    .parse(argv);
  const opts = program.opts<{ out: string; label: string; nightly?: boolean; store?: string }>();
  const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
  const out = program.getOptionValueSource('out') === 'default' ? await defaultOut(say) : resolve(opts.out);
  say("the Anaconda test double's install trees (built once, then reused from the cache)");
  const trees = { x86_64: await buildTestInstallerTree({ arch: 'x86_64', log: say }), i686: await buildTestInstallerTree({ arch: 'i686', log: say }) };
  const server = await serveTestTrees(trees);
  const aws = await startFakeAwsEndpoint({ port: AWS_PORT });
  say(`a local AWS-compatible endpoint for the publish step: ${aws.url}`);
  // The local endpoint checks signatures' shape, not their keys; the AWS SDK reads the process's
  // own environment.
  process.env.AWS_ACCESS_KEY_ID = 'kiln-demo';
  process.env.AWS_SECRET_ACCESS_KEY = 'kiln-demo-secret';
  process.env.AWS_REGION ??= 'us-east-1';
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(new Error(`received ${sig}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const args = [
      'drop', SPEC, ...(opts.nightly ? ['--nightly'] : ['--label', opts.label]),
      '--out', out, '--xz-level', '0',
      '--store', opts.store ?? defaultStoreDir(process.env),
    ];
    say(`kiln ${args.join(' ')}`);
    return await main({ argv: args, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await aws.close();
    await server.close();
  }
}

/**
 * ./out, unless libvirt's QEMU user cannot pass a directory above it (a clone in /root, 0700, when
 * libvirt runs QEMU as its own user): the drop boots its outputs where it makes them, so the demo
 * then makes it beside root's store, and says so.
 */
async function defaultOut(say: (line: string) => void): Promise<string> {
  const out = resolve('out');
  const hv = await openHypervisor({});
  try {
    await checkGuestCanReach(join(out, 'compose'), await hv.guestIdentity(), out);
    return out;
  } catch (error) {
    if (toKilnError(error).code !== 'GUEST_CANNOT_REACH') throw error;
    const instead = join(dirname(defaultStoreDir(process.env)), 'demo-out');
    say(`${toKilnError(error).message}: the drop goes to ${instead} instead (--out picks another place)`);
    return instead;
  } finally {
    await hv.close();
  }
}

demo(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = toKilnError(error);
    process.stderr.write(`demo: error: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}\n`);
    process.exitCode = e.exitCode;
  },
);
