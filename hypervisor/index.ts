/**
 * The hypervisor layer's one door: the rest of kiln imports from here only. Nothing in
 * hypervisor/ imports src/; processes (the accelerator probe runs QEMU) go through a Runner the
 * caller injects, and failures are HypervisorErrors the pipeline converts into KilnErrors.
 *
 *   const hv = await openHypervisor({});                      // qemu:///system as root
 *   const dom = await hv.createTransient(spec);               // spec.type from probeAccelerator()
 *   const vm = await hv.defineDomain(spec); await vm.start(); // a persistent domain (appliances)
 *   dom.onLifecycle((e) => …);                                // started, shutdown, stopped…
 *   const { detail } = await dom.waitForStop(signal);         // no polling: libvirt's events
 *   await hv.close();                                         // stops the event loop
 */
export { openHypervisor, defaultUri } from './libvirt/hypervisor.js';
export { hardExit } from './libvirt/hard-exit.js';
export type { Hypervisor, Domain, DomainState, DomainCapabilitiesQuery, OpenOptions, CreateOptions, StopResult, BlockStats, InterfaceStats, Runner, DiskError } from './types.js';
export { guestIdentityFromCapabilities, type GuestIdentity } from './libvirt/guest-identity.js';
export type { LifecycleEvent, LifecycleEventName } from './libvirt/lifecycle.js';

export { buildDomainXml } from './domain-xml/build.js';
export { validateSpec, diskTarget } from './domain-xml/spec.js';
export type { DomainSpec, DiskSpec, KernelBoot, DiskBoot, GuestArch, DomainType, NetworkSpec, HostForward, GuestForward, SmbiosSystem, LifecycleAction, FirmwareSpec } from './domain-xml/spec.js';
export { emulatorFor } from './domain-xml/emulator.js';

export { probeAccelerator, bootProbe } from './kvm-probe/probe.js';
export type { AcceleratorProbe, BootOutcome, ProbeOptions, Accel } from './kvm-probe/probe.js';

export { HypervisorError, LibvirtErrorCode, isHypervisorError, isNoDomain } from './errors.js';
export type { HypervisorErrorCode, HypervisorErrorOptions } from './errors.js';

export { findUefiFirmware, firmwareDirs } from './firmware/descriptors.js';
export type { FirmwareDescriptor, UefiFirmware } from './firmware/descriptors.js';
