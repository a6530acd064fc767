/**
 * The error codes of building and testing images (the catalogue's first half; see
 * error-catalogue.ts): whose fault each is, whether it is a usage error, and its default hint.
 */
import { BUG, external, kiln, usage, user, type ErrorSpec } from './error-spec.js';

const LOGS = 'The build log directory (kiln logs ID) holds the console, the installer log and the kickstart used.';

export const BUILD_ERRORS = {
  // core, CLI
  USAGE: usage('Run the command with --help for its flags and an example.'),
  INTERNAL: kiln(BUG),
  INTERRUPTED: user('Run the same command again to go on: finished work is kept, nothing half-written is.'),
  COMMAND_NOT_FOUND: user('Run kiln doctor to see which host tools are missing, then bash scripts/setup.sh.'),
  COMMAND_FAILED: external('The command, its exit status and the end of its error output are shown above.'),
  COMMAND_TIMEOUT: external('The host may be overloaded; the command and its time limit are shown above.'),
  TOOLS_MISSING: user('Install them with bash scripts/setup.sh (Debian), or see kiln doctor.'),
  INPUT_READ: user('Check the path and its permissions.'),
  LOGS_MISSING: user('kiln images lists the builds of a store; their logs are kept as long as the entry.'),
  DISK_FULL: external('Free space on the file system named above, or use --store/--out on another one.'),
  // hypervisor
  HYPERVISOR_UNAVAILABLE: external('Is libvirtd running? kiln doctor checks the connection (systemctl start libvirtd).'),
  HYPERVISOR_FAILED: external('libvirt refused or lost the guest; its message is above and the domain XML is in the log directory.'),
  // store
  STORE_MISSING: usage('Give an existing store with --store, or build an image first (kiln build).'),
  STORE_UNWRITABLE: user('Give a store directory you can write with --store.'),
  STORE_BAD_ID: usage('Image ids are the hex names kiln images lists (a unique prefix is enough).'),
  STORE_NOT_FOUND: user('kiln images lists the entries of the store.'),
  STORE_AMBIGUOUS: usage('Give more characters of the id.'),
  STORE_COMMIT_FAILED: external('The store was not changed; check its file system (space, permissions) and build again.'),
  // templates, kickstarts, TDLs
  TEMPLATE_UNKNOWN: usage('The templates kiln ships are listed in guest-templates/README.md; or give --kickstart.'),
  TEMPLATE_INVALID: user('Template variables are NAME=VALUE; the template lists its variables.'),
  TEMPLATE_RELEASE: usage('Give a release the template supports (its range is shown above).'),
  TEMPLATE_UNSUPPORTED: usage('This template has no installer driver yet; use a kickstart template.'),
  KS_INVALID: user('kiln ks validate FILE shows every problem with its line.'),
  KS_NOT_FLAT: kiln('kiln should have read this %include, or refused the kickstart, before the install: a bug in kiln; please report it with the kickstart (kiln ks flatten FILE shows what kiln reads).'),
  KS_READ: user('Check the path or URL of the kickstart and of its %include files.'),
  TDL_INVALID: user('The TDL is checked against the schema Oz uses; the element and line are shown above.'),
  TDL_UNSUPPORTED: user('kiln builds Fedora, RHEL and CentOS TDLs; Windows TDLs are refused by design.'),
  TDL_ISO_UNSUPPORTED: user('Point the TDL at an installation tree (<install type="url">) instead of an ISO.'),
  INSTALLER_UNSUPPORTED: user('kiln drives Anaconda (kickstart) installs; choose a kickstart template.'),
  // installation trees and media
  TREE_NOT_FOUND: usage('Give the URL or directory of an installation tree (it holds .treeinfo or images/pxeboot).'),
  TREE_UNSUPPORTED: usage('Give an http(s) URL or a local directory.'),
  TREE_INCOMPLETE: user('The tree lacks files the installer needs (named above); check the mirror.'),
  TREE_ARCH_MISSING: user('The tree has no installer images for this arch; give the tree of that arch.'),
  TREEINFO_INVALID: external("The tree's .treeinfo cannot be read; check the mirror."),
  MEDIA_FETCH_FAILED: external('The mirror did not answer as expected (status and URL above); try again or use another mirror.'),
  MEDIA_CHECKSUM_MISMATCH: external("A file of the tree does not match the .treeinfo's checksum: the mirror is syncing or corrupt."),
  CPIO_INVALID_ENTRY: kiln(BUG),
  GUEST_SERVER_FAILED: external("kiln's server for the guest (kickstart, tree relay) failed; the cause is above."),
  // installs and boot tests
  INSTALL_FAILED: user(`The installer reported an error (above). ${LOGS}`),
  INSTALL_STALLED: external(`The guest stopped making progress. ${LOGS}`),
  INSTALL_TIMEOUT: external(`The install took longer than --timeout. ${LOGS}`),
  INSTALL_INCOMPLETE: user(`The guest powered off before the install completed (a kickstart that ends early?). ${LOGS}`),
  CAPTURE_FAILED: external('The installed disk could not be stored; the cause is above.'),
  BOOT_NO_BOOTLOADER: user('The image did not boot: its boot loader is missing or does not use the serial console. See the console log in the report.'),
  BOOT_KERNEL_PANIC: user("The guest kernel panicked; the console log in the report shows why."),
  BOOT_STOPPED: user('The guest stopped before the test was over; the console log in the report shows why.'),
  BOOT_NO_NETWORK: user('The guest has no network address: check the image network configuration (DHCP on its first NIC).'),
  BOOT_SSH_FAILED: user('No SSH login with the test key: is sshd enabled and does cloud-init install keys for the cloud user (--user)?'),
  BOOT_CLOUD_INIT_FAILED: user("cloud-init did not do its work; its logs are in the report directory."),
  BOOT_CHECK_FAILED: user('A check on the running guest failed; the report lists each check with its detail.'),
  BOOT_TIMEOUT: external('The guest did not finish its checks within --timeout; on a slow (TCG) host give more time.'),
  TEST_FAILED: user("The report directory has each image's checks, its console log and the guest's cloud-init logs."),
  BOOT_FACTS_FAILED: external('Is the image readable (qemu-img info), and are sfdisk, mtools and sbsigntool installed (kiln doctor)?'),
  FIRMWARE_MISSING: user("Install Debian's ovmf package (scripts/setup-host.sh does): its descriptors in /usr/share/qemu/firmware are what libvirt picks UEFI firmware from."),
  TEST_IMAGE_FORMAT: user('kiln test boots qcow2, raw, raw.xz, raw.tar.xz and appliance bundles (or a compose directory).'),
  IMDS_FAILED: external("kiln's emulated EC2 metadata service failed; the cause is above."),
  // images
  IMAGE_NOT_FOUND: usage('Check the path of the image.'),
  IMAGE_NOT_RAW: usage('EC2 takes a raw disk: give the raw output of kiln target ec2.'),
  IMAGE_SIZE_UNALIGNED: usage('A raw disk must be a whole number of 512-byte sectors.'),
  IMAGE_ARCH_MISMATCH: usage('The image was built for another arch than --arch; give the matching --arch.'),
  IMAGE_INFO_UNREADABLE: kiln(BUG),
  IMAGE_MAP_UNREADABLE: kiln(BUG),
  IMAGE_ARCHIVE_UNEXPECTED: user('The archive must hold one disk image (as kiln raw-tar-xz writes).'),
  // targets
  TARGET_BASE_MISSING: user('kiln images lists the base images of the store; build one with kiln build.'),
  TARGET_OUT_UNWRITABLE: user('Give an output directory you can write with --out.'),
  TARGET_PREP_FAILED: external('Preparing the image failed inside libguestfs; its log is in the targets work directory named above.'),
  TARGET_PREP_NO_REPORT: external('The image preparation ended without its report; the libguestfs log is named above.'),
  TARGET_MISSING_DRIVERS: user("The image's initramfs lacks drivers the target needs (named above); install them in the kickstart's %packages."),
  TARGET_CMDLINE_NOT_APPLIED: user('The kernel command line could not be set: is the boot loader GRUB 2 with /etc/default/grub?'),
  TARGET_SYSPREP_TOO_OLD: user("The host's virt-sysprep lacks operations kiln needs; install a newer libguestfs-tools."),
  TARGET_DESCRIPTOR_INVALID: kiln(BUG),
} as const satisfies Record<string, ErrorSpec>;
