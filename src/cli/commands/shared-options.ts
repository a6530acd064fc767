/** Options several commands share, defined once. */
import type { OptionSpec } from '../command.js';

export const storeOption: OptionSpec = {
  flags: '--store <dir>',
  description: 'the base image store (default: $KILN_STORE or <cache>/kiln/store)',
};

export const connectOption: OptionSpec = {
  flags: '--connect <uri>',
  description: 'libvirt URI (default: qemu:///system as root, qemu:///session otherwise)',
};
