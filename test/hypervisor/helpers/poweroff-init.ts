/**
 * A tiny initramfs for integration guests: its /init is a static x86-64 ELF (hand-assembled, under 200
 * bytes: no compiler or busybox on a fresh machine) that writes INIT_MARKER to the console and
 * powers the machine off with reboot(LINUX_REBOOT_CMD_POWER_OFF). The kernel turns that into an
 * ACPI poweroff, so the domain stops only if its XML has <acpi/>.
 * The newc archive is made by the standard cpio tool.
 * NEVER execute the binary on the host: run as root, it powers the host off.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBinary } from '../../../src/core/run.js';

export const INIT_MARKER = 'kiln-test-init: powering off';

const BASE = 0x400000;
const HEADERS = 64 + 56;

function code(messageLength: number): Buffer {
  const messageOffset = 48; // from the start of the code: the 48 bytes below
  return Buffer.from([
    0xb8, 0x01, 0x00, 0x00, 0x00, //                 mov eax, 1            ; write
    0xbf, 0x01, 0x00, 0x00, 0x00, //                 mov edi, 1            ; stdout (the console)
    0x48, 0x8d, 0x35, messageOffset - 17, 0, 0, 0, // lea rsi, [rip+31]     ; the message
    0xba, messageLength, 0x00, 0x00, 0x00, //        mov edx, length
    0x0f, 0x05, //                                   syscall
    0xb8, 0xa9, 0x00, 0x00, 0x00, //                 mov eax, 169          ; reboot
    0xbf, 0xad, 0xde, 0xe1, 0xfe, //                 mov edi, 0xfee1dead   ; LINUX_REBOOT_MAGIC1
    0xbe, 0x69, 0x19, 0x12, 0x28, //                 mov esi, 0x28121969   ; LINUX_REBOOT_MAGIC2
    0xba, 0xdc, 0xfe, 0x21, 0x43, //                 mov edx, 0x4321fedc   ; LINUX_REBOOT_CMD_POWER_OFF
    0x0f, 0x05, //                                   syscall
    0xeb, 0xfe, //                                   jmp $                 ; not reached
  ]);
}

/** The ELF executable: ELF header, one PT_LOAD program header, code, message. */
export function poweroffInit(): Buffer {
  const message = Buffer.from(`${INIT_MARKER}\n`);
  const body = Buffer.concat([code(message.length), message]);
  const size = HEADERS + body.length;
  const elf = Buffer.alloc(HEADERS);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(elf, 0); // ELF, 64-bit, little-endian, v1
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(0x3e, 18); // EM_X86_64
  elf.writeUInt32LE(1, 20); // EV_CURRENT
  elf.writeBigUInt64LE(BigInt(BASE + HEADERS), 24); // entry: the code
  elf.writeBigUInt64LE(64n, 32); // program headers right after the ELF header
  elf.writeUInt16LE(64, 52); // header size
  elf.writeUInt16LE(56, 54); // program header size
  elf.writeUInt16LE(1, 56); // one program header
  elf.writeUInt32LE(1, 64); // PT_LOAD
  elf.writeUInt32LE(5, 68); // PF_R | PF_X
  elf.writeBigUInt64LE(0n, 72); // from file offset 0
  elf.writeBigUInt64LE(BigInt(BASE), 80); // vaddr
  elf.writeBigUInt64LE(BigInt(BASE), 88); // paddr
  elf.writeBigUInt64LE(BigInt(size), 96); // filesz
  elf.writeBigUInt64LE(BigInt(size), 104); // memsz
  elf.writeBigUInt64LE(0x1000n, 112); // align
  return Buffer.concat([elf, body]);
}

/** Writes dir/initramfs.cpio (newc) holding /init; returns its path. */
export async function poweroffInitramfs(dir: string): Promise<string> {
  const root = join(dir, 'initramfs-root');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'init'), poweroffInit());
  await chmod(join(root, 'init'), 0o755);
  const archive = await runBinary('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0'], { cwd: root, input: 'init\n', timeoutMs: 30_000 });
  const path = join(dir, 'initramfs.cpio');
  await writeFile(path, archive);
  return path;
}
