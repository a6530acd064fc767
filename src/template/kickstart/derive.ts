/**
 * The kickstart kiln boots, derived from the user's through the document model: it must end the
 * install with `poweroff` (kiln captures the disk when the guest stops), run in text mode, carry
 * kiln's %post sections and the root password the template asks for. Everything else keeps its
 * text, comments and order, including the %include lines the installer reads at install time.
 */
import { KilnError } from '../../core/errors.js';
import { cloneDocument, renderKickstart, type KickstartDocument } from './document.js';
import { addCommand, appendSectionText, findCommands, getOption, mapUrls, setCommand, type UrlSite } from './edit.js';
import { hasPreScript, isInstallerSideInclude } from './installer-side.js';
import { redactKickstart } from './redact.js';
import { END_ACTIONS } from './syntax/installer.js';

export interface RootPassword {
  value: string;
  /** The value is a crypt(3) hash (`rootpw --iscrypted`); otherwise plain text. */
  crypted?: boolean;
}

export interface DeriveOptions {
  /** kiln's sections as kickstart text ("%post …\n…\n%end"), appended in order. */
  posts?: string[];
  /** Replaces any rootpw of the kickstart. A string is a plain-text password. */
  rootPassword?: string | RootPassword;
  /** Rewrites every URL of the kickstart (e.g. host loopback → 10.0.2.2 for the guest); see mapUrls. */
  mapUrl?: (url: string, site: UrlSite) => string;
}

export interface DerivedKickstart {
  text: string;
  /** The same text with passwords and other secrets replaced by REDACTED (for the build log). */
  redactedText: string;
  /** One line per change kiln made to what the user wrote. */
  warnings: string[];
}

function where(loc: { file: string; line: number }): string {
  return `${loc.file}:${loc.line}`;
}

/**
 * An %include the installer reads (a file %pre writes, the install medium) stays as written; any
 * other is one the flattener should have resolved or refused before the install was planned.
 */
function checkIncludes(source: KickstartDocument): void {
  const hasPre = hasPreScript(source);
  const left = source.nodes.find((n) => n.kind === 'include' && !(n.directive === '%include' && isInstallerSideInclude(n.target, hasPre)));
  if (left?.kind !== 'include') return;
  throw new KilnError('KS_NOT_FLAT', `${left.raw.trim()} is still unresolved, and the install guest cannot read this host's files`, { source: left.loc });
}

export function deriveInstallKickstart(source: KickstartDocument, options: DeriveOptions = {}): DerivedKickstart {
  checkIncludes(source);
  const doc = cloneDocument(source);
  const warnings: string[] = [];

  // End of install: exactly one `poweroff`.
  const ends = findCommands(doc, 'poweroff').concat(...END_ACTIONS.filter((n) => n !== 'poweroff').map((n) => findCommands(doc, n)));
  const others = ends.filter((n) => n.name !== 'poweroff');
  for (const n of others) warnings.push(`${where(n.loc)}: replaced '${n.name}' with 'poweroff': kiln captures the disk when the guest powers off`);
  if (ends.length) {
    const eject = ends.some((n) => getOption(n, '--eject') === true);
    setCommand(doc, 'poweroff', eject ? ['--eject'] : [], [...END_ACTIONS]);
    const kept = findCommands(doc, 'poweroff')[0]!;
    if (ends.length > 1 && !others.length) warnings.push(`${where(kept.loc)}: kept one 'poweroff' of ${ends.length}`);
  } else {
    addCommand(doc, 'poweroff');
    warnings.push("added 'poweroff': kiln captures the disk when the guest powers off");
  }

  // Display: text mode, unless the kickstart already asks for cmdline (also non-interactive).
  const modes = [...findCommands(doc, 'text'), ...findCommands(doc, 'cmdline'), ...findCommands(doc, 'graphical')];
  const last = modes.at(-1);
  if (last?.name === 'cmdline' || (last?.name === 'text' && modes.length === 1)) {
    // already what kiln needs
  } else {
    const keep = last?.name === 'cmdline' ? 'cmdline' : 'text';
    if (last?.name === 'graphical') warnings.push(`${where(last.loc)}: replaced 'graphical' with 'text': the install guest has no display`);
    else if (!last) warnings.push("added 'text': the install guest has no display");
    setCommand(doc, keep, [], ['text', 'cmdline', 'graphical']);
  }

  if (options.rootPassword !== undefined) {
    const pw = typeof options.rootPassword === 'string' ? { value: options.rootPassword } : options.rootPassword;
    for (const n of findCommands(doc, 'rootpw')) warnings.push(`${where(n.loc)}: rootpw replaced by the template's root password`);
    setCommand(doc, 'rootpw', [pw.crypted ? '--iscrypted' : '--plaintext', pw.value]);
  }

  for (const post of options.posts ?? []) appendSectionText(doc, post);
  if (options.mapUrl) mapUrls(doc, options.mapUrl);

  return { text: renderKickstart(doc), redactedText: renderKickstart(redactKickstart(doc)), warnings };
}
