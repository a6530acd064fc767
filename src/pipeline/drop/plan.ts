/**
 * A drop's plan, made before any guest starts: every image × arch resolved into a validated
 * install (kickstart, TDL or template through the same resolver as `kiln build`, so a mistake in
 * any of them fails in milliseconds naming its file and line), installs with the same booted
 * answer file, arch, tree and disk size shared, and every item's output names from the compose's
 * naming rules.
 */
import { KilnError, isKilnError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { silent, type Emit } from '../../core/events.js';
import { composeArch, expandPlaceholders, imageStem, imageNvr, treeFor, treePlaceholders, type ComposeIdentity, type DropImage, type DropSpec } from '../../compose/index.js';
import type { Arch } from '../../core/arch.js';
import { resolveInstall, type InstallRequest, type ResolvedInstall } from '../install-request.js';
import { checkTargets } from '../targets-step.js';

export interface PlannedInstall {
  /** Shared by every item whose install is the same. */
  key: string;
  resolved: ResolvedInstall;
  /** The items that use it. */
  items: string[];
}

export interface PlannedItem {
  /** `<image> <compose arch>`: the row of the drop's table. */
  id: string;
  image: DropImage;
  arch: Arch;
  install: string;
  /** `<name>-<version>-<release>.<arch>`: outputs are `<stem>.<ext>`. */
  stem: string;
  version: string;
  release: string;
  failable: boolean;
}

export interface DropPlan {
  installs: Map<string, PlannedInstall>;
  items: PlannedItem[];
}

export interface PlanOptions {
  cwd: string;
  emit: Emit;
  /** Install guests' memory and vCPUs. */
  memoryMiB?: number;
  vcpus?: number;
}

function installRequest(image: DropImage, spec: DropSpec, arch: Arch, o: PlanOptions): InstallRequest {
  const source = image.source;
  return {
    ...(source.kind === 'template' ? { template: source.template, release: spec.release.version } : source.kind === 'tdl' ? { file: source.path } : { kickstart: source.path }),
    // Variables may name the arch as the tree does ({arch}, {basearch}): a payload per arch.
    variables: Object.fromEntries(Object.entries(image.vars).map(([k, v]) => [k, expandPlaceholders(v, treePlaceholders(arch))])),
    arch,
    tree: treeFor(spec.tree, arch),
    diskSize: image.diskSize,
    name: image.name,
    memoryMiB: o.memoryMiB,
    vcpus: o.vcpus,
  };
}

export async function planDrop(spec: DropSpec, compose: ComposeIdentity, o: PlanOptions): Promise<DropPlan> {
  const installs = new Map<string, PlannedInstall>();
  const items: PlannedItem[] = [];
  const problems: KilnError[] = [];
  // Warnings of the same template would repeat for every arch: report each once.
  const seen = new Set<string>();
  const emit: Emit = (e) => {
    if (e.type === 'message' && e.level === 'warn') {
      if (seen.has(e.text)) return;
      seen.add(e.text);
    }
    o.emit(e);
  };
  for (const image of spec.images) {
    for (const arch of image.arches) {
      const id = `${image.name} ${composeArch(arch)}`;
      let resolved: ResolvedInstall;
      try {
        resolved = await resolveInstall(installRequest(image, spec, arch, o), { cwd: o.cwd, emit: problems.length ? silent : emit });
        checkTargets({ names: image.targets, outDir: '.' }, arch);
      } catch (error) {
        if (!isKilnError(error)) throw error;
        problems.push(new KilnError(error.code, `${id}: ${error.message}`, { ...error, source: error.source ?? { file: spec.file, line: image.line } }));
        continue;
      }
      const answer = resolved.driver.answerFile(resolved.spec);
      const key = sha256([resolved.driver.name, answer.keyText, arch, resolved.firmware, resolved.tree, resolved.diskSizeBytes].join('\n')).slice(0, 12);
      const shared = installs.get(key) ?? { key, resolved, items: [] };
      shared.items.push(id);
      installs.set(key, shared);
      const { version, release } = imageNvr(compose, image);
      items.push({
        id,
        image,
        arch,
        install: key,
        stem: imageStem({ name: image.name, version, release, arch }),
        version,
        release,
        failable: image.failable.includes(arch),
      });
    }
  }
  if (problems.length) {
    const first = problems[0]!;
    throw new KilnError(first.code, first.message, {
      usage: first.usage,
      fault: 'user',
      source: first.source,
      details: [...first.details, ...problems.slice(1).map((p) => `${p.source ? `${p.source.file}${p.source.line ? `:${p.source.line}` : ''}: ` : ''}${p.message}`)],
      hint: first.hint,
    });
  }
  return { installs, items };
}
