/**
 * The Anaconda driver: Fedora, RHEL and CentOS installs from a tree with a .treeinfo. The
 * kickstart is appended to the initrd as a gzipped newc cpio (as Oz does) and booted with
 * `inst.ks=file:/ks.cfg`; the boot options and the log channel come from the quirks table for the
 * tree's family and version; failures are matched against livemedia-creator's patterns and
 * Anaconda's own messages; kiln's %post reports the package manifest on its own port.
 */
import { readFile } from 'node:fs/promises';
import type { InstallerDriver } from '../driver.js';
import { bootArgs, KICKSTART_IN_INITRD } from './boot-args.js';
import { appendToInitrd } from './cpio-newc.js';
import { icicleXml } from './icicle.js';
import { installKickstart, type AnacondaKickstart } from './kickstart.js';
import { ANACONDA_FAILURE_PATTERNS } from './log-patterns.js';
import { MANIFEST_END, parseManifest, REPORT_CHANNEL } from './manifest.js';
import { prepareMedia, type AnacondaMedia } from './media.js';
import { pickTreeQuirks } from './quirks.js';

/** Anaconda's virtio log port (livemedia-creator reads the same one). */
export const ANACONDA_LOG_CHANNEL = 'org.fedoraproject.anaconda.log.0';

export const anacondaDriver: InstallerDriver<AnacondaKickstart, AnacondaMedia> = {
  name: 'anaconda',
  families: ['fedora', 'rhel', 'centos'],
  logChannel: ANACONDA_LOG_CHANNEL,
  reportChannel: REPORT_CHANNEL,
  media: (request) => prepareMedia(request),
  answerFile: (spec) => installKickstart(spec),
  plan(media, kickstart) {
    // media() is prepareMedia's: the .treeinfo as read, whose [kiln] section may name the Anaconda it behaves like.
    const { quirks, warning } = pickTreeQuirks(media.treeInfo);
    return {
      warning,
      cmdline: ({ repoUrl, extra }) => bootArgs({ quirks, repoUrl, cmdlineMode: kickstart.cmdlineMode, extra: [...extra] }),
      monitoring: {
        patterns: ANACONDA_FAILURE_PATTERNS,
        installerStartedOnConsole: quirks.virtioLog ? undefined : /anaconda/i,
        completionLine: MANIFEST_END,
      },
    };
  },
  async initrd(media, answerText) {
    return appendToInitrd(await readFile(media.initrd.path), [{ type: 'file', path: KICKSTART_IN_INITRD.slice(1), data: answerText, mode: 0o600 }]);
  },
  packages: (lines) => parseManifest(lines),
  storeFiles: (packages, description) => ({
    'manifest.json': JSON.stringify(packages, null, 2) + '\n',
    'icicle.xml': icicleXml(packages, description),
  }),
};
