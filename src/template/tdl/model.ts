/** An Oz TDL after reading and validation: what kiln maps to an image spec. */

export type TdlContentType = 'raw' | 'base64' | 'url';

export interface TdlScript {
  name: string;
  type: TdlContentType;
  /** Trimmed text of the element (the script, base64 data or URL). */
  content: string;
  line: number;
}

export interface TdlFile extends TdlScript {}

export interface TdlPackage {
  name: string;
  repository?: string;
  file?: string;
  arguments?: string;
  line: number;
}

export interface TdlRepository {
  name: string;
  url: string;
  signed: boolean;
  persisted: boolean;
  /** undefined when the TDL does not say (Oz's default is not to verify; kiln verifies). */
  sslverify?: boolean;
  line: number;
}

export type TdlInstall =
  | { type: 'url'; url: string; line: number }
  | {
      type: 'iso';
      iso: string;
      checksum?: { algorithm: 'md5' | 'sha1' | 'sha256'; value: string };
      extras: Array<{ kind: 'file' | 'directory'; source: string; destination: string }>;
      line: number;
    };

export interface Tdl {
  file: string;
  /** The `<template version>` attribute (the TDL schema version). */
  schemaVersion?: string;
  name: string;
  description?: string;
  os: {
    /** As written: Fedora, RHEL-7, CentOS-7, Debian … */
    name: string;
    version: string;
    family: 'fedora' | 'rhel' | 'centos' | 'debian';
    /** Major release, or major.minor for RHEL/CentOS ('7.4'). */
    release: string;
    arch: 'x86_64' | 'i686';
    archAsWritten: string;
    rootpw?: string;
    key?: string;
    kernelparam?: string;
    icicleExtraCommand?: string;
  };
  install: TdlInstall;
  packages: TdlPackage[];
  repositories: TdlRepository[];
  files: TdlFile[];
  /** In execution order (by position when given, else document order). */
  commands: TdlScript[];
  precommands: TdlScript[];
  diskSizeBytes?: number;
  /** Line of each element by path ('os/arch', 'disk/size' …) for messages about it. */
  lines: Record<string, number>;
}
