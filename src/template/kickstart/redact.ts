/**
 * A copy of a kickstart with its secrets replaced by a marker: rootpw and sshpw passwords and
 * every option the tables mark secret (user --password, bootloader --password, LUKS
 * passphrases …). This is what kiln keeps in build logs.
 */
import { cloneDocument, type KickstartDocument } from './document.js';
import { lookupCommand } from './syntax/index.js';

export const REDACTION_MARKER = 'REDACTED';

export function redactKickstart(doc: KickstartDocument): KickstartDocument {
  const copy = cloneDocument(doc);
  for (const node of copy.nodes) {
    if (node.kind !== 'command') continue;
    const spec = lookupCommand(node.name);
    if (!spec) continue;
    const secretNames = new Set(spec.options.filter((o) => o.secret).flatMap((o) => o.names));
    let positional = -1;
    let changed = false;
    for (let i = 0; i < node.args.length; i++) {
      const w = node.args[i]!;
      if (w.startsWith('--')) {
        const eq = w.indexOf('=');
        const name = eq >= 0 ? w.slice(0, eq) : w;
        if (!secretNames.has(name)) {
          // A non-secret option given as `--opt value` owns the next word: it is not a positional.
          const o = spec.options.find((x) => x.names.includes(name));
          if (eq < 0 && o && o.type !== 'flag' && o.type !== 'optional') i++;
          continue;
        }
        if (eq >= 0) node.args[i] = `${name}=${REDACTION_MARKER}`;
        else if (node.args[i + 1] !== undefined) node.args[++i] = REDACTION_MARKER;
        changed = true;
        continue;
      }
      positional++;
      if (spec.secretArgs?.includes(positional)) {
        node.args[i] = REDACTION_MARKER;
        changed = true;
      }
    }
    if (changed) {
      node.raw = undefined;
      node.comment = undefined;
    }
  }
  return copy;
}
