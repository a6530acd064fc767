/**
 * The typed drop spec: what `kiln drop SPEC.yaml` builds. parseDropSpec (drop-spec.ts) returns it
 * fully checked: arches normalised (i386 → i686), file paths absolute, every image with its
 * productmd subvariant, and the sha256 of the spec text so a re-run can tell whether an existing
 * compose directory was made from the same spec.
 */
import type { Arch } from '../core/arch.js';
import type { TargetName } from '../targets/types.js';

/** productmd's release: `short` and `version` make the compose id, `type` is productmd's release type. */
export interface DropRelease {
  name: string;
  short: string;
  version: string;
  /** productmd RELEASE_TYPES ('ga' unless given; a non-ga type appears in the compose id). */
  type: string;
}

/** Where an image's install comes from: a shipped guest template, or a kickstart / Oz TDL file. */
export type DropImageSource =
  | { kind: 'template'; template: string }
  | { kind: 'kickstart'; path: string }
  | { kind: 'tdl'; path: string };

export interface DropImage {
  /** `Fedora-Cloud-Base`: the start of every output file name. */
  name: string;
  /** productmd subvariant (`Cloud_Base`): given, or made from the name (see subvariantOf). */
  subvariant: string;
  source: DropImageSource;
  /** Guest template variables (templates only; checked against the template's variables). */
  vars: Record<string, string>;
  /** The disk size as written ("4G") and in bytes; undefined: the template's or TDL's own. */
  diskSize?: string;
  diskSizeBytes?: number;
  targets: TargetName[];
  /** The arches this image is built for: the spec's, or the subset the image names. */
  arches: Arch[];
  /** Arches on which a failure makes the drop FINISHED_INCOMPLETE instead of DOOMED. */
  failable: Arch[];
  /** Pungi's per-image version/release overrides; undefined: made from the release and label. */
  version?: string;
  release?: string;
  /** Line of the image's entry in the spec file (for messages about it later). */
  line: number;
}

export interface DropPublishEc2 {
  regions: string[];
  public: boolean;
  /** Tag values may hold placeholders, expanded per image by expandPlaceholders (placeholders.ts). */
  tags: Record<string, string>;
  endpointUrl?: string;
  profile?: string;
}

export interface DropPublish {
  ec2?: DropPublishEc2;
}

export type DropTest = 'boot' | 'none';

export interface DropSpec {
  /** Absolute path of the spec file (relative paths inside it are resolved from its directory). */
  file: string;
  /** sha256 of the spec text: the same spec gives the same value. */
  sha256: string;
  release: DropRelease;
  /** productmd variant id (`Cloud`): compose/<variant>/<arch>/images/. */
  variant: string;
  arches: Arch[];
  /** The install tree: a URL or an absolute path, with {arch}/{basearch} still in it (see treeFor). */
  tree: string;
  images: DropImage[];
  publish: DropPublish;
  /** `boot`: every output is boot-tested before it is checksummed or published (the default). */
  test: DropTest;
}

/**
 * What is wrong with a region name of publish.ec2 (undefined: nothing). Compose knows no regions:
 * kiln passes the AWS provider's check, which asks the AWS SDK's partition data.
 */
export type RegionCheck = (region: string, options: { endpointUrl?: string }) => string | undefined;
