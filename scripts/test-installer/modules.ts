/**
 * Kernel modules for the test double's initrd: the wanted modules and their dependencies from the
 * kernel's own modules.dep, in load order (dependencies first), so the guest needs no modprobe.
 */
import { KilnError } from '../../src/core/errors.js';

/** Module name as modprobe spells it: file name without .ko(.xz|.zst|.gz), "-" read as "_". */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.ko(\.\w+)?$/, '');
  return base.replace(/-/g, '_');
}

/** modules.dep ("kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko …") → name → {path, deps}. */
export function parseModulesDep(text: string): Map<string, { path: string; deps: string[] }> {
  const map = new Map<string, { path: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line.slice(colon + 1).trim().split(/\s+/).filter(Boolean);
    map.set(moduleName(path), { path, deps });
  }
  return map;
}

/**
 * The module files to load, in order, for `wanted`. Names that modules.builtin lists are built
 * into the kernel and skipped; any other unknown name is an error (a kernel without virtio would
 * give a test double that cannot see its disk).
 */
export function moduleLoadOrder(wanted: readonly string[], modulesDep: string, modulesBuiltin: string): string[] {
  const dep = parseModulesDep(modulesDep);
  const builtin = new Set(modulesBuiltin.split('\n').filter(Boolean).map(moduleName));
  const byPath = new Map([...dep.values()].map((m) => [m.path, m]));
  const order: string[] = [];
  const visit = (path: string): void => {
    if (order.includes(path)) return;
    const entry = byPath.get(path);
    if (!entry) throw new KilnError('TEST_INSTALLER_MODULE', `modules.dep names ${path} but has no line for it`);
    for (const d of entry.deps) visit(d);
    order.push(path);
  };
  for (const name of wanted) {
    const entry = dep.get(moduleName(name));
    if (entry) visit(entry.path);
    else if (!builtin.has(moduleName(name))) {
      throw new KilnError('TEST_INSTALLER_MODULE', `kernel module ${name} is neither in modules.dep nor built in`);
    }
  }
  return order;
}
