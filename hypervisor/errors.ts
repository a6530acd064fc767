/**
 * The hypervisor layer's one error type. It imports nothing from src/ (the layer stands alone);
 * the pipeline converts a HypervisorError into a KilnError, keeping `code` and, for libvirt
 * failures, libvirt's own numeric error code, error domain and message.
 */

export type HypervisorErrorCode =
  /** A libvirt call failed: see libvirtCode / libvirtDomain / libvirtMessage. */
  | 'LIBVIRT'
  /** libvirt.so.0 could not be loaded (package libvirt0 missing). */
  | 'LIBVIRT_MISSING'
  /** The domain spec is invalid (bad name, relative path, zero memory…). */
  | 'INVALID_SPEC'
  /** libvirt keeps no interface statistics for this kind of interface (user-mode networking). */
  | 'INTERFACE_STATS_UNSUPPORTED'
  /** The connection was closed by kiln (use after close). */
  | 'CLOSED'
  /** The connection to the libvirt daemon broke (daemon restarted, keepalive timeout). */
  | 'CONNECTION_LOST'
  /** Running the accelerator probe itself failed (could not write the boot sector…). */
  | 'PROBE';

/** libvirt's virErrorNumber values kiln looks at (include/libvirt/virterror.h). */
export const LibvirtErrorCode = {
  INTERNAL_ERROR: 1,
  NO_SUPPORT: 3,
  NO_CONNECT: 5,
  INVALID_ARG: 8,
  XML_ERROR: 27,
  OPERATION_INVALID: 55,
  NO_DOMAIN: 42,
  SYSTEM_ERROR: 38,
  OPERATION_FAILED: 9,
  CONFIG_UNSUPPORTED: 67,
} as const;

export interface HypervisorErrorOptions {
  /** libvirt's virErrorNumber (e.g. 42 = VIR_ERR_NO_DOMAIN). */
  libvirtCode?: number;
  /** libvirt's virErrorDomain (which part of libvirt raised it, e.g. 10 = QEMU, 20 = domain config). */
  libvirtDomain?: number;
  /** libvirt's message, unchanged. */
  libvirtMessage?: string;
  /** The libvirt function or step that failed, e.g. "virDomainCreateXML". */
  operation?: string;
  hint?: string;
  cause?: unknown;
}

export class HypervisorError extends Error {
  override readonly name = 'HypervisorError';
  readonly code: HypervisorErrorCode;
  readonly libvirtCode?: number;
  readonly libvirtDomain?: number;
  readonly libvirtMessage?: string;
  readonly operation?: string;
  readonly hint?: string;

  constructor(code: HypervisorErrorCode, message: string, options: HypervisorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.libvirtCode = options.libvirtCode;
    this.libvirtDomain = options.libvirtDomain;
    this.libvirtMessage = options.libvirtMessage;
    this.operation = options.operation;
    this.hint = options.hint;
  }
}

export function isHypervisorError(value: unknown): value is HypervisorError {
  return value instanceof HypervisorError;
}

/** True for libvirt's "domain not found" (a transient domain that stopped is gone). */
export function isNoDomain(error: unknown): boolean {
  return isHypervisorError(error) && error.libvirtCode === LibvirtErrorCode.NO_DOMAIN;
}
