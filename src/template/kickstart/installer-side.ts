/**
 * Which %include lines the installer itself reads at install time. Anaconda runs the %pre scripts
 * first and only then parses the kickstart, reading each %include inside the installer: a file a
 * %pre script wrote (the common "%pre writes /tmp/part-include" pattern), the mounted install
 * medium, the installer's own files. This host cannot have those files, so they are left in the
 * kickstart kiln boots, as written.
 */
import type { KickstartDocument } from './document.js';

/**
 * Paths that exist only inside the installer: what a %pre script writes (/tmp, /run, /dev/shm),
 * the mounted install medium (/run/install, /mnt), and the installer's own files
 * (/usr/share/anaconda, /etc/anaconda).
 */
const INSTALLER_PATHS = /^\/(tmp|run|dev\/shm|mnt|usr\/share\/anaconda|etc\/anaconda)\//;

/** A path of the installer's own file system: never this host's file of the same name. */
export function isInstallerPath(target: string): boolean {
  return INSTALLER_PATHS.test(target);
}

/** The document has a %pre script: Anaconda runs those before it reads any %include. */
export function hasPreScript(doc: KickstartDocument): boolean {
  return doc.nodes.some((n) => n.kind === 'section' && n.name === '%pre');
}

/** An %include of a path inside the installer, or of any absolute path a %pre script may write. */
export function isInstallerSideInclude(target: string, hasPre: boolean): boolean {
  return INSTALLER_PATHS.test(target) || (target.startsWith('/') && hasPre);
}

/** What the installer-side file is likely to be, for the flattener's warning. */
export function installerSideReason(target: string): string {
  if (/^\/(usr\/share|etc)\/anaconda\//.test(target)) return 'a file of the installer itself';
  if (/^\/(run\/install|mnt)\//.test(target)) return 'on the install medium';
  return 'written by %pre?';
}
