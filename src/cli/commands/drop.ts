/** `kiln drop SPEC`: a milestone or nightly image drop; `kiln drop status DIR`: where one stands. */
import { defineCommand } from '../command.js';
import { usageError } from '../../core/errors.js';
import type { ComposeType } from '../../compose/index.js';
import { table } from '../table.js';
import { kojiConnection, kojiConnectionOptions, type KojiFlags } from './koji-options.js';
import { accelOption, connectOption, jobContext, positiveInt, storeOption, xzLevel, type JobFlags } from './shared-options.js';

interface DropFlags extends JobFlags, KojiFlags {
  kojiImport?: boolean;
  kojiTag?: string;
  label?: string;
  nightly?: boolean;
  type?: ComposeType;
  out?: string;
  jobs?: string;
  signKey?: string;
  xzLevel?: string;
  /** --no-test sets false. */
  test?: boolean;
}

const statusCommand = defineCommand<Record<string, never>>({
  name: 'status',
  summary: "a compose's state: per image and arch what is done, running, failed; sizes, times, AMIs",
  args: ['<compose-dir>'],
  examples: ['kiln drop status /srv/composes/Fedora-Cloud-19-20261125.0'],
  async action(args, _flags, ctx) {
    const { dropStatus } = await import('../../pipeline/drop/status.js');
    const { SUMMARY_HEADERS, summaryRows } = await import('../../pipeline/drop/summary.js');
    const s = await dropStatus(args[0]!, ctx.cwd);
    return { text: [`${s.composeId}: ${s.status}${s.label ? ` (${s.label})` : ''}`, '', table(SUMMARY_HEADERS, summaryRows(s.items))].join('\n'), json: s };
  },
});

export const dropCommand = defineCommand<DropFlags>({
  name: 'drop',
  summary: 'build a whole image drop from a spec: every arch × image × target, tested, checksummed, published',
  args: ['<spec>'],
  options: [
    { flags: '--label <label>', description: 'milestone label: Alpha-1.1, Beta-1.3, RC-1.6 (productmd names)' },
    { flags: '--nightly', description: 'a nightly compose: …-YYYYMMDD.n.N, no label needed' },
    { flags: '--type <type>', description: 'compose type', choices: ['production', 'nightly', 'test', 'ci', 'development'], default: 'production' },
    { flags: '--out <dir>', description: 'where compose directories go (required)' },
    { flags: '--jobs <n>', description: 'steps at once (default: the host\'s CPUs); guests also count against memory' },
    { flags: '--sign-key <key>', description: 'clear-sign each CHECKSUM file with this gpg key' },
    { flags: '--xz-level <n>', description: 'xz preset of raw.xz and raw.tar.xz outputs', default: '6' },
    { flags: '--no-test', description: "skip the boot tests the spec asks for" },
    { flags: '--koji-import', description: 'import every image into Koji as the drop finishes (content generator; needs --hub and --cert or --user)' },
    ...kojiConnectionOptions,
    { flags: '--koji-tag <tag>', description: 'with --koji-import: tag the builds (e.g. f19-cloud-candidate)' },
    storeOption,
    connectOption,
    accelOption,
  ],
  subcommands: [statusCommand],
  examples: [
    'kiln drop fedora-cloud.drop.yaml --label Beta-1.3 --out /srv/composes',
    'kiln drop fedora-cloud.drop.yaml --nightly --out /srv/composes',
    'kiln drop fedora-cloud.drop.yaml --label RC-1.6 --out /srv/composes --jobs 3 --sign-key 0xDEADBEEF',
    'kiln drop fedora-cloud.drop.yaml --label Beta-1.3 --out /srv/composes --koji-import \\\n      --hub https://koji.example/kojihub --cert ~/.koji/cg.pem --serverca ~/.koji/ca.crt --koji-tag f19-cloud-candidate',
    'kiln drop status /srv/composes/Fedora-Cloud-19-20261125.0',
  ],
  helpText: [
    'Re-running the same command after an interrupt or a failure resumes the same compose and finishes',
    'only what is missing: installs are store hits, outputs whose checksum still matches are kept,',
    'passed boot tests stand, published AMIs are found. Exit 0 when the compose is FINISHED or',
    'FINISHED_INCOMPLETE (only failable images failed; a warning says which), 1 when DOOMED.',
  ].join('\n'),
  async action(args, f, ctx) {
    if (!f.out) throw usageError("'kiln drop' needs --out DIR", 'Composes go into a directory of their own there.');
    const type: ComposeType = f.nightly ? 'nightly' : (f.type ?? 'production');
    if (f.nightly && f.type && f.type !== 'nightly') throw usageError(`--nightly and --type ${f.type} disagree`);
    const xz = xzLevel(f.xzLevel ?? '6');
    const kojiGiven = [f.hub, f.cert, f.serverca, f.user, f.passwordFile, f.kojiTag].some((v) => v !== undefined);
    if (kojiGiven && !f.kojiImport) throw usageError('Koji flags without --koji-import', 'Add --koji-import to import the drop into Koji as it finishes.');
    const { checkKojiConnection } = await import('../../pipeline/koji/koji-import.js');
    const koji = f.kojiImport ? { ...kojiConnection(f), tag: f.kojiTag } : undefined;
    if (koji) checkKojiConnection(koji);
    const [{ runDrop }, { SUMMARY_HEADERS, summaryRows }] = await Promise.all([import('../../pipeline/drop/run.js'), import('../../pipeline/drop/summary.js')]);
    const result = await runDrop(
      { spec: args[0]!, outDir: f.out, label: f.label, type, jobs: positiveInt(f.jobs, '--jobs'), signKey: f.signKey, xzLevel: xz, test: f.test === false ? 'none' : undefined, koji },
      jobContext(f, ctx),
    );
    if (result.status === 'FINISHED_INCOMPLETE') {
      ctx.emit({ type: 'message', level: 'warn', code: 'DROP_INCOMPLETE', text: `compose ${result.composeId} is FINISHED_INCOMPLETE: failable images failed` });
    }
    return {
      text: [`${result.composeId}: ${result.status}${result.resumed ? ' (resumed)' : ''} in ${result.dir}`, '', table(SUMMARY_HEADERS, summaryRows(result.items))].join('\n'),
      json: result,
    };
  },
});
