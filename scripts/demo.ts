/**
 * `npm run demo [-- --arch x86_64|i686] [-- --out DIR] [-- --store DIR]`: the README's first
 * command, end to end on this machine. It builds (or reuses) the Anaconda TEST DOUBLE's install
 * tree — no Fedora mirror is needed — serves its payload on host loopback as a mirror would, and
 * runs `kiln build` with the shipped fedora-cloud guest template exactly as a user types it, with
 * every target: a base image installed in a transient libvirt guest, then EC2 raw, OpenStack
 * qcow2, raw.tar.xz and an appliance bundle in ./out, each with its .sha256 and targets.json.
 * A second run is a store hit and reuses the outputs.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import { toKilnError } from '../src/core/errors.js';
import { defaultStoreDir } from '../src/core/paths.js';
import { normalizeArch } from '../src/template/image-spec.js';
import { buildTestInstallerTree } from './test-installer/tree.js';
import { serveTestTrees, templateBuildArgs } from './test-installer/serve.js';

async function demo(argv: string[]): Promise<number> {
  const opts = new Command('demo')
    .description("kiln's demo build: the Anaconda test double → base image → every target")
    .option('--arch <arch>', 'x86_64 or i686', 'x86_64')
    .option('--out <dir>', 'output directory', 'out')
    .option('--store <dir>', 'base image store (default: kiln’s own)')
    .parse(argv)
    .opts<{ arch: string; out: string; store?: string }>();
  const arch = normalizeArch(opts.arch);
  const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
  say(`the Anaconda test double's ${arch} install tree (built once, then reused from the cache)`);
  const tree = await buildTestInstallerTree({ arch, log: say });
  const server = await serveTestTrees({ [arch]: tree });
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(new Error(`received ${sig}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const args = [
      'build', ...templateBuildArgs(arch, tree),
      '--name', 'Fedora-Cloud-Base', '--image-version', '19-Demo',
      '--disk-size', '4G', '--memory', '1024',
      '--store', opts.store ?? defaultStoreDir(process.env),
      '--target', 'ec2,openstack,raw-tar-xz,appliance', '--out', resolve(opts.out),
    ];
    say(`kiln ${args.join(' ')}`);
    return await main({ argv: args, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server.close();
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
