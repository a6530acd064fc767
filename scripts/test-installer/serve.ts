/**
 * Serves the Anaconda test double's trees (and so their liveimg payloads) on host loopback, as a
 * mirror would: /<arch>/ is the tree of that arch. The demo and the integration tests use it with
 * the fedora-cloud guest template, whose liveimg URL then points here; kiln relays loopback URLs
 * to the guest. A fixed port keeps the kickstart text — and so the store key — the same from run
 * to run.
 */
import { silent } from '../../src/core/events.js';
import { startGuestServer, type GuestServer } from '../../src/pipeline/guest-server.js';
import type { TreeArch } from './arch.js';
import { PAYLOAD_FILE, type TestInstallerTree } from './tree.js';

export const PAYLOAD_PORT = Number(process.env.KILN_TEST_PAYLOAD_PORT ?? 47810);

export function serveTestTrees(trees: Partial<Record<TreeArch, TestInstallerTree>>, port = PAYLOAD_PORT): Promise<GuestServer> {
  const routes = Object.entries(trees).map(([arch, tree]) => ({ prefix: `/${arch}/`, dir: tree!.dir }));
  return startGuestServer(routes, silent, port);
}

export function payloadUrl(arch: TreeArch, port = PAYLOAD_PORT): string {
  return `http://127.0.0.1:${port}/${arch}/${PAYLOAD_FILE}`;
}

/**
 * `kiln build` arguments for the fedora-cloud template installed from a test-double tree. The
 * payload is identified by its URL and the server's Last-Modified (no checksum in the kickstart),
 * so a drop whose spec names the same URL per arch installs the very same kickstart: the test
 * runs' builds and drops share their base images. x86_64 gets Fedora's hybrid boot layout (GPT,
 * BIOS boot and EFI system partitions, installed under UEFI with GRUB for BIOS added by the
 * template's %post), as Fedora's cloud images have had since 35, so the shared x86_64 base boots
 * under SeaBIOS, OVMF and OVMF with Secure Boot; i686 stays the release's BIOS layout.
 */
export function templateBuildArgs(arch: TreeArch, tree: TestInstallerTree, port = PAYLOAD_PORT): string[] {
  return [
    '--template', 'fedora-cloud', '--release', '19', '--tree', tree.dir, '--arch', arch, '--var', `liveimg_url=${payloadUrl(arch, port)}`,
    ...(arch === 'x86_64' ? ['--var', 'boot_layout=hybrid'] : []),
  ];
}

/**
 * A drop spec (its lines) installing from the test-double trees served here: the fedora-cloud
 * template with the payload URL per arch and boot_layout hybrid (the same kickstart
 * `templateBuildArgs` gives for each arch: the template renders hybrid as BIOS for i686, where it
 * warns once per drop), 4 GiB disks, for both arches. `extra` lines follow each image's own
 * (failable, arches…).
 */
export function testDropSpecLines(images: { name: string; targets: string[]; extra?: string[] }[], port = PAYLOAD_PORT): string[] {
  return [
    'release: { name: Fedora, short: Fedora, version: "19" }',
    'variant: Cloud',
    'arches: [x86_64, i686]',
    `tree: http://127.0.0.1:${port}/{arch}/`,
    'images:',
    ...images.flatMap((i) => [
      `  - name: ${i.name}`,
      '    template: fedora-cloud',
      `    vars: { liveimg_url: "${payloadUrl('x86_64', port).replace('/x86_64/', '/{arch}/')}", boot_layout: hybrid }`,
      '    disk-size: 4G',
      `    targets: [${i.targets.join(', ')}]`,
      ...(i.extra ?? []).map((l) => `    ${l}`),
    ]),
  ];
}
