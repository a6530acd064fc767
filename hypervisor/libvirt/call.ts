/**
 * Calling libvirt without blocking Node and without losing its error.
 *
 * - Every call that may talk to the daemon goes through `.async`: koffi runs it on a libuv worker
 *   thread, so a slow daemon never freezes the main thread (a synchronous virDomainCreateXML can
 *   take seconds).
 * - libvirt keeps its last error per thread, and the worker thread is gone by the time the promise
 *   settles, so virGetLastError() on the main thread would see nothing. Instead kiln installs a
 *   global error handler (virSetErrorFunc). libvirt calls it inside the failing call, on the
 *   worker; koffi relays it to the main thread and the worker waits until it has run, so the error
 *   is recorded before the call's promise settles. The handler also stops libvirt from printing
 *   every error on stderr (its default handler does).
 * - Calls are queued one at a time (per process), so the recorded error always belongs to the
 *   call that just failed. libvirt calls are short next to a guest's life; kiln makes few of them.
 */
import koffi from 'koffi';
import { HypervisorError } from '../errors.js';
import { libvirt, type KoffiFunction, type VirErrorFields } from './ffi.js';

let handlerInstalled = false;
let lastError: VirErrorFields | undefined;

/** Installs the process-wide libvirt error handler (once). */
export function installErrorHandler(): void {
  if (handlerInstalled) return;
  const api = libvirt();
  const handler = koffi.register((_userData: unknown, error: bigint | null) => {
    if (error === null) return;
    const fields = koffi.decode(error, api.virError) as VirErrorFields;
    lastError = { code: fields.code, domain: fields.domain, message: fields.message, level: fields.level };
  }, koffi.pointer(api.errorFuncProto));
  // Never unregistered: libvirt may call it until the process ends.
  api.virSetErrorFunc(null, handler);
  handlerInstalled = true;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs one C function on a worker thread. */
export function invokeAsync<T>(fn: KoffiFunction, args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn.async(...args, (error: unknown, result: T) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Calls a libvirt function asynchronously, in turn with every other call, and turns a failure
 * (as judged by `failed`, e.g. NULL or -1) into a HypervisorError carrying libvirt's error.
 */
export function callLibvirt<T>(operation: string, fn: KoffiFunction, args: unknown[], failed: (result: T) => boolean): Promise<T> {
  installErrorHandler();
  const attempt = async (): Promise<T> => {
    lastError = undefined;
    const result = await invokeAsync<T>(fn, args);
    if (failed(result)) throw libvirtError(operation, lastError);
    return result;
  };
  const result = queue.then(attempt, attempt);
  queue = result.catch(() => undefined);
  return result;
}

export function libvirtError(operation: string, fields: VirErrorFields | undefined): HypervisorError {
  const message = fields?.message ?? 'failed without an error message';
  return new HypervisorError('LIBVIRT', `${operation}: ${message}`, {
    operation,
    libvirtCode: fields?.code,
    libvirtDomain: fields?.domain,
    libvirtMessage: fields?.message ?? undefined,
  });
}

/** Failure tests for the two shapes libvirt functions return. */
export const isNull = (result: bigint | null): boolean => result === null || result === 0n;
export const isNegative = (result: number): boolean => result < 0;
