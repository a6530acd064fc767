/**
 * Ending the process at once, for a forced quit. Node's process.exit runs exit() in C, whose
 * destructors join libuv's worker threads; a worker blocked inside libvirt — in the event-loop
 * iteration, or delivering a lifecycle callback that waits for the main thread — then holds the
 * process forever (and with it the libvirt connection, so its guests are not auto-destroyed).
 * libc's _exit skips those destructors: the kernel closes the connection, libvirt destroys the
 * connection's transient guests (VIR_DOMAIN_START_AUTODESTROY), and the process is gone.
 */
import koffi from 'koffi';

let exitNow: ((code: number) => void) | undefined;

export function hardExit(code: number): never {
  exitNow ??= koffi.load('libc.so.6').func('void _exit(int status)') as (code: number) => void;
  exitNow(code);
  // _exit does not return; this keeps the type checker honest.
  throw new Error('unreachable');
}
