/**
 * Merges a user's kickstart over a base (a rendered guest template, possibly with a TDL applied):
 * the user's kickstart wins. A single command replaces the base's; partitioning and the
 * installation source are replaced as a whole; repo, user, group and network replace the base's
 * entry of the same name and add the rest; sections are appended after the base's (pykickstart
 * reads several %packages as one, later exclusions winning). Every override is reported.
 */
import { cloneDocument, renderNode, type CommandNode, type KickstartDocument, type SectionNode } from './document.js';
import { addCommand, findSections, getOption } from './edit.js';
import { SHARED_SETTINGS } from './syntax/installer.js';
import { lookupCommand } from './syntax/index.js';

const PARTITIONING = ['autopart', 'part', 'partition', 'raid', 'logvol', 'volgroup', 'btrfs', 'reqpart'];
const INSTALL_SOURCES = ['url', 'liveimg', 'cdrom', 'harddrive', 'nfs', 'ostreesetup', 'ostreecontainer', 'bootc'];
const KEYED: Record<string, string> = { repo: '--name', user: '--name', group: '--name', network: '--device', sshkey: '--username' };

/** The names a command replaces as a group (all spellings of one setting). */
function group(name: string): string[] {
  if (PARTITIONING.includes(name)) return PARTITIONING;
  if (INSTALL_SOURCES.includes(name)) return INSTALL_SOURCES;
  const shared = SHARED_SETTINGS.find((g) => g.includes(name));
  if (shared) return shared;
  return lookupCommand(name)?.names ?? [name];
}

const at = (n: { loc: { file: string; line: number } }) => `${n.loc.file}:${n.loc.line}`;
const text = (n: CommandNode) => renderNode(n)[0]!.trim();

export interface MergeResult {
  doc: KickstartDocument;
  /** One line per thing of the base the overlay replaced or cancelled. */
  conflicts: string[];
}

export function mergeKickstarts(base: KickstartDocument, overlay: KickstartDocument): MergeResult {
  const doc = cloneDocument(base);
  const conflicts: string[] = [];
  const replacedGroups = new Set<string>();
  const fromOverlay = new Set<CommandNode>();
  const commands = () => doc.nodes.filter((n): n is CommandNode => n.kind === 'command');
  const baseCommands = () => commands().filter((c) => !fromOverlay.has(c));

  for (const node of overlay.nodes) {
    if (node.kind !== 'command') continue;
    const incoming: CommandNode = { ...node, args: [...node.args] };
    const spec = lookupCommand(node.name);
    const key = KEYED[spec?.names[0] ?? node.name];
    let victims: CommandNode[];
    if (key) {
      const id = getOption(incoming, key);
      victims = baseCommands().filter((c) => c.name === node.name && id !== undefined && getOption(c, key) === id);
    } else if (spec?.multiple && !PARTITIONING.includes(node.name)) {
      victims = [];
    } else {
      const names = group(node.name);
      const groupKey = names.join('/');
      // A group (e.g. all partitioning) is replaced once, by the overlay's first member.
      victims = replacedGroups.has(groupKey) ? [] : baseCommands().filter((c) => names.includes(c.name));
      replacedGroups.add(groupKey);
    }
    const differing = victims.filter((v) => text(v) !== text(incoming));
    if (differing.length) {
      conflicts.push(`${at(incoming)}: '${text(incoming)}' overrides ${differing.map((v) => `'${text(v)}' (${at(v)})`).join(', ')}`);
    }
    if (victims.length) {
      const index = doc.nodes.indexOf(victims[0]!);
      doc.nodes = doc.nodes.filter((n) => !victims.includes(n as CommandNode));
      doc.nodes.splice(Math.min(index, doc.nodes.length), 0, incoming);
      fromOverlay.add(incoming);
    } else {
      const added = addCommand(doc, incoming.name, incoming.args, incoming.loc);
      Object.assign(added, incoming);
      fromOverlay.add(added);
    }
  }

  const overlaySections = overlay.nodes.filter((n): n is SectionNode => n.kind === 'section');
  const usesLiveimg = commands().some((c) => c.name === 'liveimg');
  if (usesLiveimg && overlay.nodes.some((n) => n.kind === 'command' && n.name === 'liveimg')) {
    for (const s of findSections(doc, '%packages')) {
      conflicts.push(`${at(s)}: %packages dropped: the kickstart installs a liveimg`);
      doc.nodes.splice(doc.nodes.indexOf(s), 1);
    }
  }
  const baseInstalls = new Set(findSections(doc, '%packages').flatMap((s) => s.body.map((b) => b.text.trim())).filter((t) => t && !t.startsWith('#') && !t.startsWith('-')));
  for (const s of overlaySections) {
    if (s.name === '%packages') {
      for (const b of s.body) {
        const t = b.text.trim();
        if (t.startsWith('-') && baseInstalls.has(t.slice(1))) conflicts.push(`${at(b)}: '${t}' removes '${t.slice(1)}' that ${base.file} installs`);
      }
    }
    if (doc.nodes.length && doc.nodes.at(-1)!.kind !== 'blank') doc.nodes.push({ kind: 'blank', raw: '', loc: s.loc });
    doc.nodes.push(structuredClone(s));
  }
  return { doc, conflicts };
}
