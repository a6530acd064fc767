/**
 * The store key of a base image: SHA-256 over every input that changes the installed disk — the
 * answer file as booted (minus per-build URLs), the media's identity (the tree's metadata — a new
 * nightly at the same URL is a new input —, the kernel and initrd), the payload, the arch, the
 * firmware the installer booted under (it decides which boot loader the installer sets up), the
 * disk size, the installer driver and kiln's version. Memory and CPU count are left out: they
 * change how fast, not what. BIOS, the default, is not an input, so keys made before kiln knew
 * firmware still name the same base images.
 */
import { hashJson, sha256 } from '../core/hash.js';
import { KILN_VERSION } from '../core/version.js';
import type { InputHash } from '../store/record.js';
import type { Arch } from '../core/arch.js';
import type { InstallMedia } from '../installers/index.js';

export interface KeyInputs {
  kickstartText: string;
  media: InstallMedia;
  payload?: InputHash;
  arch: Arch;
  firmware?: 'bios' | 'uefi';
  diskSizeBytes: number;
  driver: string;
}

export function buildInputs(k: KeyInputs): InputHash[] {
  const inputs: InputHash[] = [{ name: 'kickstart', sha256: sha256(k.kickstartText) }, ...k.media.identity];
  if (k.payload) inputs.push(k.payload);
  inputs.push(
    { name: 'arch', sha256: sha256(k.arch), detail: k.arch },
    ...(k.firmware && k.firmware !== 'bios' ? [{ name: 'firmware', sha256: sha256(k.firmware), detail: k.firmware }] : []),
    { name: 'disk-size', sha256: sha256(String(k.diskSizeBytes)), detail: String(k.diskSizeBytes) },
    { name: 'installer', sha256: sha256(k.driver), detail: k.driver },
    { name: 'kiln', sha256: sha256(KILN_VERSION), detail: KILN_VERSION },
  );
  return inputs;
}

/** The key: a hash of the named input hashes (order-independent). */
export function storeKey(inputs: InputHash[]): string {
  return hashJson(Object.fromEntries(inputs.map((i) => [i.name, i.sha256])));
}
