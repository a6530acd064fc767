/**
 * The installer driver interface: everything the install stage needs to know about one installer
 * (Anaconda today), so the pipeline drives any of them the same way — read the install media,
 * derive the answer file it boots (kickstart, preseed …), put it where the installer finds it,
 * build the kernel command line, name the installer's log channel and kiln's report channel, list
 * the lines that mean failure and the line that means a complete install, and read the package
 * manifest kiln's own script reports. Per-version differences live in each driver's data tables.
 */
import type { Emit } from '../core/events.js';
import type { InputHash, PackageEntry } from '../store/record.js';
import type { Arch } from '../core/arch.js';
import type { ImageSpec } from '../template/image-spec.js';
import type { FailurePattern } from './failure-patterns.js';

export interface InstallTree {
  kind: 'url' | 'dir';
  /** Normalised location: URL ending in '/', or an absolute directory. */
  location: string;
}

export interface BootImage {
  /** Local path of the file. */
  path: string;
  sha256: string;
  /** Whether a checksum from the tree's metadata was checked. */
  verified: boolean;
}

/** The media an install boots: kernel and initrd of the tree, verified, with their identity. */
export interface InstallMedia {
  tree: InstallTree;
  kernel: BootImage;
  initrd: BootImage;
  /** What identifies the media in the store key (tree metadata, kernel, initrd). */
  identity: InputHash[];
  /** The distribution the tree says it holds, when it says. */
  family?: string;
  release?: string;
}

export interface MediaRequest {
  tree: InstallTree;
  arch: Arch;
  cacheDir: string;
  emit: Emit;
  signal?: AbortSignal;
}

/** Where a URL the answer file names is fetched from, as the guest sees it. */
export interface GuestUrls {
  /** Registers a URL before the build's HTTP server starts (loopback URLs are relayed). */
  register(url: string): void;
  /** The URL for the guest. */
  rewrite(url: string): string;
}

export interface AnswerFile {
  /** The answer file as booted minus the per-build URLs: what the store key hashes. */
  keyText: string;
  /** Changes kiln made to what the user wrote (one line each). */
  warnings: string[];
  /** The payload the answer file installs from, when it names one (its identity is a key input). */
  payload?: { url: string; checksum?: string };
  /** Registers every URL the answer file names. */
  registerUrls(urls: GuestUrls): void;
  /** The booted text (URLs rewritten for the guest) and the same with secrets redacted. */
  forGuest(urls: GuestUrls): { text: string; redactedText: string };
}

/** How to watch a running install, from the driver's tables for this tree. */
export interface InstallMonitoring {
  patterns: readonly FailurePattern[];
  /** Without a log channel, this console text means the installer has started. */
  installerStartedOnConsole?: RegExp;
  /** The report line kiln's own script writes last: a power-off without it is an incomplete install. */
  completionLine: string;
}

/** What a driver decides for one build once the media are known. */
export interface InstallPlan {
  /** A warning when the tree's installer version was guessed. */
  warning?: string;
  /** The kernel command line: the install source as the guest sees it, and the spec's own params. */
  cmdline(o: { repoUrl: string; extra: readonly string[] }): string;
  monitoring: InstallMonitoring;
}

/**
 * `A`: the driver's own answer file and `M` its own media, which its `plan` reads back (e.g.
 * Anaconda's cmdline mode, the tree's .treeinfo).
 */
export interface InstallerDriver<A extends AnswerFile = AnswerFile, M extends InstallMedia = InstallMedia> {
  /** The driver's name (a store key input and part of every build record). */
  readonly name: string;
  /** Image-spec families this driver installs. */
  readonly families: readonly ImageSpec['family'][];
  /** virtio-serial port the installer writes its log to. */
  readonly logChannel: string;
  /** virtio-serial port kiln's own script reports the package manifest on. */
  readonly reportChannel: string;
  /** Reads the tree's metadata and fetches (or finds) its kernel and initrd, verified. */
  media(request: MediaRequest): Promise<M>;
  /** The answer file to boot, derived from the image spec. */
  answerFile(spec: ImageSpec): A;
  /** Per-tree choices: boot options and how to watch the install. */
  plan(media: M, answer: A): InstallPlan;
  /** The initrd to boot: the media's initrd with the answer file inside. */
  initrd(media: InstallMedia, answerText: string): Promise<Uint8Array>;
  /** The installed packages, from the lines kiln's script wrote to the report channel. */
  packages(reportLines: readonly string[]): PackageEntry[] | undefined;
  /** Extra files kept beside the base image in the store (e.g. Oz's ICICLE manifest). */
  storeFiles(packages: readonly PackageEntry[], description: string): Record<string, string>;
}
