/**
 * Lines that mean an Anaconda install has failed. Most come from livemedia-creator's log monitor
 * (the reference for watching Anaconda in a VM); the rest are Anaconda's own messages for
 * kickstart errors and failed `%post --erroronfail` scripts, the kernel's panic line, and the
 * console lines of Anaconda's dracut module when the initramfs cannot get the installer image
 * (stage2) from the tree: dracut then waits minutes before giving up, kiln need not.
 * Matching one ends the build within seconds instead of waiting for a timeout.
 */
import type { FailurePattern } from '../failure-patterns.js';

export const ANACONDA_FAILURE_PATTERNS: readonly FailurePattern[] = [
  { id: 'traceback', test: 'Traceback (', summary: 'the installer crashed (Python traceback)' },
  { id: 'traceback-scripts', test: 'traceback script(s) have been run', summary: 'the installer crashed (traceback scripts ran)' },
  { id: 'oom', test: 'Out of memory:', summary: 'the guest ran out of memory (raise --memory)' },
  { id: 'kernel-oops', test: 'Call Trace:', summary: 'the guest kernel hit an oops' },
  { id: 'kernel-panic', test: 'Kernel panic - not syncing', summary: 'the guest kernel panicked' },
  { id: 'disk-space', test: 'insufficient disk space:', summary: 'the disk is too small (raise --disk-size)' },
  { id: 'download-space', test: 'Not enough disk space to download the packages', summary: 'the disk is too small (raise --disk-size)' },
  { id: 'transaction', test: 'error populating transaction after', summary: 'package transaction failed' },
  { id: 'signal', test: 'crashed on signal', summary: 'the installer crashed on a signal' },
  { id: 'no-such-package', test: 'packaging: Missed: NoSuchPackage', summary: 'a package in %packages does not exist' },
  { id: 'install-failed', test: 'packaging: Installation failed', summary: 'the payload installation failed' },
  { id: 'fatal-install', test: 'The following error occurred while installing.  This is a fatal error', summary: 'a fatal error occurred while installing' },
  { id: 'bad-repo', test: /packaging: base repo .* not valid/, summary: 'the install repository is not valid' },
  { id: 'dependency', test: /packaging: .* requires .*/, summary: 'a package dependency is missing' },
  { id: 'kickstart-error', test: /The following problem occurred on line \d+ of the kickstart file/, summary: 'the installer rejected the kickstart' },
  { id: 'kickstart-missing', test: /Kickstart file .* is missing|Error processing kickstart file/, summary: 'the installer could not read the kickstart' },
  { id: 'stage2-fetch', test: 'anaconda: failed to fetch stage2 from', summary: 'the installer image (stage2) could not be fetched from the install tree' },
  { id: 'dracut-fatal', test: 'dracut: FATAL: ', summary: "the installer's initramfs gave up (dracut FATAL)" },
  { id: 'script-failed', test: /There was an error running the kickstart script at line \d+/, summary: 'a %post --erroronfail script failed' },
];
