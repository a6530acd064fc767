/**
 * The fixed lists and patterns productmd (release-engineering/productmd) checks compose metadata
 * against, as data. Consumers of a compose (mirrors, openQA, fedfind, download pages) read the
 * metadata with productmd, so kiln writes and validates against the same rules.
 */

/** productmd writes its current metadata version into every file's header. */
export const PRODUCTMD_VERSION = '1.2';

/** Image types and the formats (file suffixes) each may have. An empty list: productmd names no format. */
export const IMAGE_TYPE_FORMATS: Readonly<Record<string, readonly string[]>> = {
  appx: ['appx'],
  boot: ['iso'],
  'bootable-container': ['ociarchive'],
  cd: ['iso'],
  container: ['tar.xz', 'oci', 'ociarchive'],
  docker: ['tar.gz', 'tar.xz'],
  dvd: ['iso'],
  'dvd-debuginfo': ['iso'],
  'dvd-ostree': ['iso'],
  'dvd-ostree-osbuild': ['iso'],
  ec2: [],
  fex: ['erofs.xz', 'erofs.gz', 'erofs', 'squashfs.xz', 'squashfs.gz', 'squashfs'],
  kvm: [],
  live: [],
  'live-osbuild': ['iso'],
  'liveimg-squashfs': ['liveimg.squashfs'],
  netinst: ['iso'],
  ociarchive: ['ociarchive'],
  p2v: [],
  qcow: ['qcow'],
  qcow2: ['qcow2'],
  raw: ['raw'],
  'raw-xz': ['raw.xz'],
  rescue: [],
  'rhevm-ova': ['rhevm.ova'],
  'tar-gz': ['tar.gz'],
  'vagrant-hyperv': ['vagrant-hyperv.box'],
  'vagrant-libvirt': ['vagrant-libvirt.box'],
  'vagrant-virtualbox': ['vagrant-virtualbox.box'],
  'vagrant-vmware-fusion': ['vagrant-vmware-fusion.box'],
  vdi: ['vdi'],
  vmdk: ['vmdk'],
  vpc: ['vhd'],
  'vhd-compressed': ['vhd.gz', 'vhd.xz', 'vhdfixed.xz'],
  'vsphere-ova': ['vsphere.ova'],
  wsl2: ['tar', 'tar.gz', 'wsl'],
};

export const IMAGE_TYPES: readonly string[] = Object.keys(IMAGE_TYPE_FORMATS).sort();
export const IMAGE_FORMATS: readonly string[] = [...new Set(Object.values(IMAGE_TYPE_FORMATS).flat())].sort();

/** Arches productmd accepts (its RPM_ARCHES). `src`/`nosrc` are not allowed as image arches. */
export const RPM_ARCHES: readonly string[] = [
  'aarch64', 'alpha', 'alphaev4', 'alphaev45', 'alphaev5', 'alphaev56', 'alphaev6', 'alphaev67', 'alphaev68', 'alphaev7',
  'alphapca56', 'amd64', 'arm64', 'armhfp', 'armv5tejl', 'armv5tel', 'armv5tl', 'armv6hl', 'armv6l', 'armv7hl', 'armv7hnl',
  'armv7l', 'armv8hl', 'armv8l', 'athlon', 'geode', 'i386', 'i486', 'i586', 'i686', 'ia32e', 'ia64', 'loongarch64', 'mips',
  'mips64', 'mips64el', 'mipsel', 'ppc', 'ppc64', 'ppc64iseries', 'ppc64le', 'ppc64p7', 'ppc64pseries', 'riscv128',
  'riscv32', 'riscv64', 's390', 's390x', 'sh3', 'sh4', 'sh4a', 'sparc', 'sparc64', 'sparc64v', 'sparcv8', 'sparcv9',
  'sparcv9v', 'x86_64', 'src', 'nosrc', 'noarch',
];

/** productmd RELEASE_TYPES. */
export const RELEASE_TYPES: readonly string[] = ['fast', 'ga', 'updates', 'updates-testing', 'eus', 'aus', 'els', 'tus', 'e4s'];

/** A release version: anything not starting with a digit, or dot-separated numbers. */
export const RELEASE_VERSION_RE = /^([^0-9].*|([0-9]+(\.?[0-9]+)*))$/;

/** Milestone label names, least to most final. */
export const LABEL_NAMES: readonly string[] = ['EA', 'DevelPhaseExit', 'InternalAlpha', 'Alpha', 'InternalSnapshot', 'Beta', 'Snapshot', 'RC', 'Update', 'SecurityFix'];

/** Milestones whose composes are final (productmd SUPPORTED_MILESTONES; Pungi sets `final` for them). */
export const SUPPORTED_MILESTONES: readonly string[] = ['RC', 'Update', 'SecurityFix'];

/** `<name>-<major>.<minor>` for one of LABEL_NAMES. */
export const LABEL_RE = new RegExp(`^(${LABEL_NAMES.join('|')})-\\d+\\.\\d+$`);

/** What productmd requires of a compose id (matched from the start, like Python's re.match). */
export const COMPOSE_ID_RE = /^.*\d{8}(\.nightly|\.n|\.ci|\.test|\.t)?(\.\d+)?/;

/** productmd VARIANT_TYPES. */
export const VARIANT_TYPES: readonly string[] = ['variant', 'optional', 'addon', 'layered-product'];

/** The per-arch paths a composeinfo variant may list. */
export const VARIANT_PATH_FIELDS: readonly string[] = [
  'os_tree', 'packages', 'repository', 'isos', 'images', 'jigdos',
  'source_tree', 'source_packages', 'source_repository', 'source_isos', 'source_jigdos',
  'debug_tree', 'debug_packages', 'debug_repository',
];
