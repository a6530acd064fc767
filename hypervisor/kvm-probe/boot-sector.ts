/**
 * The accelerator probe's guest: a 512-byte PC boot sector, hand-assembled here because it is
 * 26 bytes of code and no assembler is on a fresh machine. SeaBIOS loads it at 0000:7C00 in
 * 16-bit real mode. It prints PROBE_MARKER on COM1 and then writes PROBE_EXIT_VALUE to QEMU's
 * isa-debug-exit device (port 0xF4), which makes QEMU exit at once with status
 * (value << 1) | 1. So "exit status 33 and the marker on stdout" proves that the accelerator
 * really ran guest code: BIOS, a disk read, the boot sector. Anything else (a hang until the
 * timeout, "failed to set MSR", another status) means it does not work.
 *
 *   7C00  FA          cli
 *   7C01  31 C0       xor  ax, ax
 *   7C03  8E D8       mov  ds, ax            ; DS = 0: the message's address is absolute
 *   7C05  BE 1A 7C    mov  si, 0x7C1A        ; the message, right after the code
 *   7C08  BA F8 03    mov  dx, 0x3F8         ; COM1 data port
 *   7C0B  AC          lodsb                  ; next: al = [si++]
 *   7C0C  84 C0       test al, al
 *   7C0E  74 03       jz   7C13              ; NUL: done
 *   7C10  EE          out  dx, al            ; QEMU's UART sends it without any set-up
 *   7C11  EB F8       jmp  7C0B
 *   7C13  B0 10       mov  al, 0x10          ; done: PROBE_EXIT_VALUE
 *   7C15  E6 F4       out  0xF4, al          ; isa-debug-exit: QEMU exits with 0x21 = 33
 *   7C17  F4          hlt                    ; not reached when the device is there
 *   7C18  EB FD       jmp  7C17
 *   7C1A  message, NUL … zeros … 55 AA       ; the BIOS boots only a sector ending in 55 AA
 */

export const PROBE_MARKER = 'kiln accelerator probe: guest code ran';
export const PROBE_EXIT_VALUE = 0x10;
/** QEMU's exit status after the guest writes PROBE_EXIT_VALUE to isa-debug-exit. */
export const PROBE_EXIT_STATUS = (PROBE_EXIT_VALUE << 1) | 1;
/** The isa-debug-exit device the boot sector expects. */
export const DEBUG_EXIT_DEVICE = 'isa-debug-exit,iobase=0xf4,iosize=0x04';

const CODE = [
  0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xbe, 0x1a, 0x7c, 0xba, 0xf8, 0x03, 0xac, 0x84, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8, 0xb0,
  PROBE_EXIT_VALUE, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd,
];
const MESSAGE_OFFSET = 0x1a;

export function bootSector(): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from(CODE).copy(sector, 0);
  sector.write(`${PROBE_MARKER}\r\n\0`, MESSAGE_OFFSET, 'latin1');
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}
