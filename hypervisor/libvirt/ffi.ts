/**
 * koffi declarations of the part of libvirt's C API kiln uses (libvirt.so.0, API of libvirt ≥ 1.0;
 * measured against 9.0). Loaded lazily on first use so that importing the hypervisor layer (for
 * the XML builder, say) does not need libvirt installed.
 *
 * koffi 3 represents every pointer as a BigInt (null for NULL). Functions that talk to the
 * daemon are called through `.async` (see call.ts); the few local ones (names, UUIDs, timers,
 * freeing) are called directly.
 */
import koffi, { type LibraryHandle, type TypeObject } from 'koffi';
import { HypervisorError } from '../errors.js';

/** A bound C function: call it directly, or through `.async(...args, (err, result) => …)`. */
export type KoffiFunction = ReturnType<LibraryHandle['func']>;

/** A C pointer as koffi 3 hands it out. */
export type Pointer = bigint;

/** The fields of virError we read (the struct is longer; only its head matters to us). */
export interface VirErrorFields {
  code: number;
  domain: number;
  message: string | null;
  level: number;
}

export interface LibvirtApi {
  virError: TypeObject;
  blockStatsStruct: TypeObject;
  interfaceStatsStruct: TypeObject;
  errorFuncProto: TypeObject;
  timeoutCallbackProto: TypeObject;
  lifecycleCallbackProto: TypeObject;
  closeCallbackProto: TypeObject;

  virSetErrorFunc: KoffiFunction;
  virEventRegisterDefaultImpl: KoffiFunction;
  virEventRunDefaultImpl: KoffiFunction;
  virEventAddTimeout: KoffiFunction;
  virEventUpdateTimeout: KoffiFunction;
  virEventRemoveTimeout: KoffiFunction;

  virConnectOpen: KoffiFunction;
  virConnectClose: KoffiFunction;
  virConnectGetURI: KoffiFunction;
  virConnectListAllDomains: KoffiFunction;
  virConnectDomainEventRegisterAny: KoffiFunction;
  virConnectDomainEventDeregisterAny: KoffiFunction;
  virConnectRegisterCloseCallback: KoffiFunction;
  virConnectUnregisterCloseCallback: KoffiFunction;

  virConnectGetCapabilities: KoffiFunction;
  virConnectGetDomainCapabilities: KoffiFunction;

  virDomainCreateXML: KoffiFunction;
  virDomainDefineXML: KoffiFunction;
  virDomainCreate: KoffiFunction;
  virDomainShutdown: KoffiFunction;
  virDomainUndefineFlags: KoffiFunction;
  virDomainLookupByName: KoffiFunction;
  virDomainLookupByUUIDString: KoffiFunction;
  virDomainGetState: KoffiFunction;
  virDomainIsPersistent: KoffiFunction;
  virDomainDestroy: KoffiFunction;
  virDomainFree: KoffiFunction;
  virDomainGetName: KoffiFunction;
  virDomainGetUUIDString: KoffiFunction;
  virDomainGetXMLDesc: KoffiFunction;
  virDomainIsActive: KoffiFunction;
  virDomainBlockStats: KoffiFunction;
  virDomainInterfaceStats: KoffiFunction;
  virDomainGetDiskErrors: KoffiFunction;
  diskErrorStruct: TypeObject;
}

let api: LibvirtApi | undefined;

/** The bound libvirt API; loads libvirt.so.0 on first call. */
export function libvirt(): LibvirtApi {
  api ??= bind(load());
  return api;
}

function load(): LibraryHandle {
  try {
    return koffi.load('libvirt.so.0');
  } catch (error) {
    throw new HypervisorError('LIBVIRT_MISSING', `cannot load libvirt.so.0: ${(error as Error).message}`, {
      cause: error,
      hint: 'Install the libvirt client library (Debian: apt-get install libvirt0), e.g. with scripts/setup-host.sh.',
    });
  }
}

/**
 * koffi's type names are global to the process and cannot be declared twice; a second copy of
 * this module in the same process (a test runner re-evaluating modules) reuses the first's types.
 */
function named(name: string, declare: () => TypeObject): TypeObject {
  try {
    return koffi.type(name);
  } catch {
    return declare();
  }
}

function bind(lib: LibraryHandle): LibvirtApi {
  named('virConnectPtr', () => koffi.pointer('virConnectPtr', koffi.opaque('virConnect')));
  named('virDomainPtr', () => koffi.pointer('virDomainPtr', koffi.opaque('virDomain')));

  // include/libvirt/virterror.h: struct _virError (all fields, so the size is right).
  const virError = named('virError', () => koffi.struct('virError', {
    code: 'int',
    domain: 'int',
    message: 'char *',
    level: 'int',
    conn: 'void *',
    dom: 'void *',
    str1: 'char *',
    str2: 'char *',
    str3: 'char *',
    int1: 'int',
    int2: 'int',
    net: 'void *',
  }));
  // include/libvirt/libvirt-domain.h: virDomainBlockStatsStruct, virDomainInterfaceStatsStruct.
  const blockStatsStruct = named('virDomainBlockStatsStruct', () => koffi.struct('virDomainBlockStatsStruct', {
    rd_req: 'int64',
    rd_bytes: 'int64',
    wr_req: 'int64',
    wr_bytes: 'int64',
    errs: 'int64',
  }));
  const interfaceStatsStruct = named('virDomainInterfaceStatsStruct', () => koffi.struct('virDomainInterfaceStatsStruct', {
    rx_bytes: 'int64',
    rx_packets: 'int64',
    rx_errs: 'int64',
    rx_drop: 'int64',
    tx_bytes: 'int64',
    tx_packets: 'int64',
    tx_errs: 'int64',
    tx_drop: 'int64',
  }));

  // include/libvirt/libvirt-domain.h: virDomainDiskError (disk: target name, freed by the caller).
  const diskErrorStruct = named('virDomainDiskError', () => koffi.struct('virDomainDiskError', { disk: 'void *', error: 'int' }));
  const errorFuncProto = named('virErrorFunc', () => koffi.proto('void virErrorFunc(void *userData, virError *error)'));
  const timeoutCallbackProto = named('virEventTimeoutCallback', () => koffi.proto('void virEventTimeoutCallback(int timer, void *opaque)'));
  // Named so the prototypes below can use it; kiln always passes NULL for it.
  named('virFreeCallback', () => koffi.proto('void virFreeCallback(void *opaque)'));
  // Registered through virConnectDomainEventRegisterAny(VIR_DOMAIN_EVENT_ID_LIFECYCLE), whose
  // generic callback type is cast from this lifecycle signature.
  const lifecycleCallbackProto = named('virConnectDomainEventCallback', () =>
    koffi.proto('int virConnectDomainEventCallback(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)'),
  );
  const closeCallbackProto = named('virConnectCloseFunc', () =>
    koffi.proto('void virConnectCloseFunc(virConnectPtr conn, int reason, void *opaque)'),
  );

  return {
    virError,
    blockStatsStruct,
    interfaceStatsStruct,
    diskErrorStruct,
    errorFuncProto,
    timeoutCallbackProto,
    lifecycleCallbackProto,
    closeCallbackProto,

    virSetErrorFunc: lib.func('void virSetErrorFunc(void *userData, virErrorFunc *handler)'),
    virEventRegisterDefaultImpl: lib.func('int virEventRegisterDefaultImpl(void)'),
    virEventRunDefaultImpl: lib.func('int virEventRunDefaultImpl(void)'),
    virEventAddTimeout: lib.func(
      'int virEventAddTimeout(int frequency, virEventTimeoutCallback *cb, void *opaque, virFreeCallback *ff)',
    ),
    virEventUpdateTimeout: lib.func('void virEventUpdateTimeout(int timer, int frequency)'),
    virEventRemoveTimeout: lib.func('int virEventRemoveTimeout(int timer)'),

    virConnectOpen: lib.func('virConnectPtr virConnectOpen(const char *name)'),
    virConnectClose: lib.func('int virConnectClose(virConnectPtr conn)'),
    virConnectGetURI: lib.func('char *! virConnectGetURI(virConnectPtr conn)'),
    virConnectListAllDomains: lib.func(
      'int virConnectListAllDomains(virConnectPtr conn, _Out_ void **domains, unsigned int flags)',
    ),
    virConnectDomainEventRegisterAny: lib.func(
      'int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID, virConnectDomainEventCallback *cb, void *opaque, virFreeCallback *freecb)',
    ),
    virConnectDomainEventDeregisterAny: lib.func(
      'int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)',
    ),
    virConnectRegisterCloseCallback: lib.func(
      'int virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc *cb, void *opaque, virFreeCallback *freecb)',
    ),
    virConnectUnregisterCloseCallback: lib.func(
      'int virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc *cb)',
    ),

    virConnectGetCapabilities: lib.func('char *! virConnectGetCapabilities(virConnectPtr conn)'),
    virConnectGetDomainCapabilities: lib.func(
      'char *! virConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin, const char *arch, const char *machine, const char *virttype, unsigned int flags)',
    ),

    virDomainCreateXML: lib.func('virDomainPtr virDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)'),
    virDomainDefineXML: lib.func('virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml)'),
    virDomainCreate: lib.func('int virDomainCreate(virDomainPtr domain)'),
    virDomainShutdown: lib.func('int virDomainShutdown(virDomainPtr domain)'),
    virDomainUndefineFlags: lib.func('int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags)'),
    virDomainLookupByName: lib.func('virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name)'),
    virDomainLookupByUUIDString: lib.func('virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char *uuid)'),
    virDomainGetState: lib.func('int virDomainGetState(virDomainPtr domain, _Out_ int *state, _Out_ int *reason, unsigned int flags)'),
    virDomainIsPersistent: lib.func('int virDomainIsPersistent(virDomainPtr domain)'),
    virDomainDestroy: lib.func('int virDomainDestroy(virDomainPtr domain)'),
    virDomainFree: lib.func('int virDomainFree(virDomainPtr domain)'),
    virDomainGetName: lib.func('const char *virDomainGetName(virDomainPtr domain)'),
    virDomainGetUUIDString: lib.func('int virDomainGetUUIDString(virDomainPtr domain, _Out_ char *buf)'),
    virDomainGetXMLDesc: lib.func('char *! virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)'),
    virDomainIsActive: lib.func('int virDomainIsActive(virDomainPtr domain)'),
    virDomainBlockStats: lib.func(
      'int virDomainBlockStats(virDomainPtr dom, const char *disk, _Out_ virDomainBlockStatsStruct *stats, size_t size)',
    ),
    virDomainInterfaceStats: lib.func(
      'int virDomainInterfaceStats(virDomainPtr dom, const char *device, _Out_ virDomainInterfaceStatsStruct *stats, size_t size)',
    ),
    virDomainGetDiskErrors: lib.func('int virDomainGetDiskErrors(virDomainPtr dom, void *errors, unsigned int maxerrors, unsigned int flags)'),
  };
}

/** VIR_UUID_STRING_BUFLEN: 36 characters and the NUL. */
export const UUID_STRING_BUFLEN = 37;

/** Reads a domain's UUID string (local: no daemon round trip). */
export function domainUuid(dom: Pointer): string {
  const out = ['\0'.repeat(UUID_STRING_BUFLEN)];
  libvirt().virDomainGetUUIDString(dom, out);
  return String(out[0]).replace(/\0.*$/s, '');
}

/** Reads a domain's name (local: no daemon round trip). */
export function domainName(dom: Pointer): string {
  return String(libvirt().virDomainGetName(dom) ?? '');
}
