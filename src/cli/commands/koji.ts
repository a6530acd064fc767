/**
 * `kiln koji import DIR --name N --version V --release R --hub URL --cert PEM`: the outputs of
 * `kiln target` become one Koji build through content-generator import; `kiln koji import
 * COMPOSE --hub URL --cert PEM`: every image of a compose of `kiln drop` becomes a build, named as
 * the drop names it. Flags as data; the work is src/pipeline/koji/ (imported lazily).
 */
import type { CommandSpec } from '../command.js';
import { usageError } from '../../core/errors.js';
import { defaultStoreDir } from '../../core/paths.js';
import type { ImportResult } from '../../providers/koji/index.js';
import { kojiConnection, kojiConnectionOptions } from './koji-options.js';
import { storeOption } from './shared-options.js';

const HELP = `What Koji gets:
  From a compose of kiln drop: one build per image, NAME-VERSION-RELEASE as the drop names it
  (Fedora-Cloud-Base-19_Beta-1.3), with every arch's images that are in the compose, each arch's
  buildroot, records and build logs, and the boot test's logs; --name, --version and --release
  are not given.
  From kiln target outputs: one build NAME-VERSION-RELEASE of type image, imported as content generator --cg (the hub's
  admin grants it: koji grant-cg-access USER CG --new). Every output file with its size, SHA-256
  and arch; per base image a buildroot (this host's OS and arch, kiln and the versions of qemu,
  libvirt, libguestfs and xz, the image's rpm packages as components; other packages in the
  buildroot's extra), its record, package manifest and ICICLE; the build's logs (console,
  installer log, kickstart as booted, domain XML, events) under the arch.

Safe to run again:
  Files are checked against targets.json before anything is sent. The NVR is reserved first
  (CGInitBuild) and given back if the upload or import fails or is interrupted. Uploads resume.
  A build already in Koji with the same files is left as it is; different files under the same
  NVR are an error (give another --release).`;

export const kojiImportCommand: CommandSpec = {
  name: 'import',
  summary: 'import a compose of kiln drop (a build per image) or the outputs of kiln target (one build) into Koji',
  args: ['<dir>'],
  options: [
    { flags: '--name <name>', description: 'Koji build name (e.g. Fedora-Cloud-Base)' },
    { flags: '--version <version>', description: 'Koji build version (e.g. 19)' },
    { flags: '--release <release>', description: 'Koji build release (e.g. 1.3; no "-")' },
    ...kojiConnectionOptions,
    { flags: '--tag <tag>', description: 'tag the build (e.g. f19-cloud-candidate) and wait for the tag task' },
    storeOption,
  ],
  examples: [
    'kiln koji import /srv/composes/Fedora-Cloud-19-20261125.0 --hub https://koji.example/kojihub \\\n      --cert ~/.koji/cg.pem --serverca ~/.koji/ca.crt --cg kiln',
    'kiln koji import out/ --name Fedora-Cloud-Base --version 19 --release 1.3 \\\n      --hub https://koji.example/kojihub --cert ~/.koji/cg.pem --serverca ~/.koji/ca.crt --cg kiln --tag f19-cloud-candidate',
  ],
  helpText: HELP,
  async action(args, opts, ctx) {
    const str = (k: string) => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
    const need = (k: string, flag: string, example: string) => {
      const v = str(k);
      if (!v) throw usageError(`'kiln koji import' needs ${flag}`, `For example ${flag} ${example}.`);
      return v;
    };
    need('hub', '--hub', 'https://koji.example/kojihub');
    const { isComposeDir, kojiImport, kojiImportCompose } = await import('../../pipeline/koji/koji-import.js');
    const connection = {
      ...kojiConnection({ hub: str('hub'), cert: str('cert'), serverca: str('serverca'), user: str('user'), passwordFile: str('passwordFile'), cg: str('cg') }),
      tag: str('tag'),
      storeDir: str('store') ?? defaultStoreDir(ctx.env),
      emit: ctx.emit,
      signal: ctx.signal,
    };
    if (await isComposeDir(args[0]!)) {
      const given = ['name', 'version', 'release'].filter((k) => str(k) !== undefined);
      if (given.length) throw usageError(`--${given.join(', --')}: a compose names its builds itself`, 'Each image of the drop becomes NAME-VERSION-RELEASE as its files are named; give no --name, --version or --release.');
      const results = await kojiImportCompose({ dir: args[0]!, ...connection });
      return { text: results.map(describe).join('\n'), json: results };
    }
    const nvr = { name: need('name', '--name', 'Fedora-Cloud-Base'), version: need('version', '--version', '19'), release: need('release', '--release', '1.3') };
    const result = await kojiImport({ dir: args[0]!, nvr, ...connection });
    return { text: describe(result), json: result };
  },
};

function describe(result: ImportResult): string {
  const head = result.imported ? `imported ${result.nvr} as Koji build ${result.buildId}` : `${result.nvr} is already Koji build ${result.buildId} with the same files: nothing imported`;
  const tag = result.tag ? [`tag ${result.tag.tag}: ${result.tag.alreadyTagged ? 'already tagged' : `tagged (task ${result.tag.taskId})`}`] : [];
  const files = result.files.map((f) => `  ${f.kind.padEnd(6)} ${f.name}  sha256 ${f.sha256.slice(0, 16)}…`);
  return [head, ...tag, ...files].join('\n');
}

export const kojiCommand: CommandSpec = {
  name: 'koji',
  summary: 'Koji: import outputs as content-generator builds',
  subcommands: [kojiImportCommand],
};
