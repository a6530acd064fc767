/**
 * The kernel command line that starts Anaconda for an unattended install: the kickstart from the
 * initrd, the install source, text/cmdline mode, the serial console, and the template's params.
 */
import type { AnacondaQuirks } from './quirks.js';

export interface BootArgsInput {
  quirks: AnacondaQuirks;
  /** URL of the install tree as the guest sees it. */
  repoUrl: string;
  /** The kickstart asks for cmdline mode (`cmdline` command). */
  cmdlineMode: boolean;
  /** Extra parameters from the template or TDL (os/kernelparam). */
  extra: string[];
}

/** Path of the kickstart inside the initrd (appended as a cpio). */
export const KICKSTART_IN_INITRD = '/ks.cfg';

export function bootArgs(input: BootArgsInput): string {
  const q = input.quirks;
  const args = [
    `${q.ks}=file:${KICKSTART_IN_INITRD}`,
    `${q.repo}=${input.repoUrl}`,
    input.cmdlineMode ? q.cmdline : q.text,
    'console=tty0',
    // The last console= is /dev/console: Anaconda's text UI and the kernel log go to the serial port kiln captures.
    'console=ttyS0,115200n8',
    ...q.extra,
    ...input.extra,
  ];
  return args.join(' ');
}
