/**
 * A copy of a kickstart with its secrets replaced by a marker: rootpw and sshpw passwords, the
 * RHEL installation key, every option the tables mark secret (user --password, bootloader
 * --password, LUKS passphrases, Wi-Fi keys …) however it is abbreviated, realm's one-time
 * password, and the credentials in URLs. This is what kiln keeps in build logs. Options are read
 * as the validator reads them (scan.ts), so `--passw=x` is found as well as `--password x`.
 */
import { cloneDocument, type CommandNode, type KickstartDocument } from './document.js';
import { scanArgs } from './scan.js';
import { commandOptions, lookupCommand } from './syntax/index.js';

export const REDACTION_MARKER = 'REDACTED';

/** `realm join --one-time-password=…` (getopt takes any unambiguous prefix of it). */
const REALM_SECRET = '--one-time-password';
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i;

function redactFreeform(node: CommandNode): boolean {
  if (node.name !== 'realm') return false;
  let changed = false;
  for (let i = 0; i < node.args.length; i++) {
    const w = node.args[i]!;
    const eq = w.indexOf('=');
    const name = eq >= 0 ? w.slice(0, eq) : w;
    if (name.length < 4 || !REALM_SECRET.startsWith(name)) continue;
    if (eq >= 0) node.args[i] = `${name}=${REDACTION_MARKER}`;
    else if (node.args[i + 1] !== undefined) node.args[++i] = REDACTION_MARKER;
    changed = true;
  }
  return changed;
}

function redactCommand(node: CommandNode): boolean {
  const spec = lookupCommand(node.name);
  if (!spec) return false;
  if (spec.freeform) return redactFreeform(node);
  const hasSecretWords = (spec.secretArgs?.length ?? 0) > 0;
  let changed = false;
  for (const item of scanArgs(node.args, commandOptions(node.name))) {
    if (item.kind === 'option') {
      if (item.option.secret) {
        if (item.count === 2) node.args[item.index + 1] = REDACTION_MARKER;
        else if (item.explicit) node.args[item.index] = `${node.args[item.index]!.slice(0, node.args[item.index]!.indexOf('='))}=${REDACTION_MARKER}`;
        changed = true;
      } else if (typeof item.value === 'string' && URL_CREDENTIALS.test(item.value)) {
        const at = item.count === 2 ? item.index + 1 : item.index;
        node.args[at] = node.args[at]!.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, `$1${REDACTION_MARKER}@`);
        changed = true;
      }
    } else if (item.kind === 'positional') {
      // Every word of rootpw/sshpw/key is the secret (sshpw joins several into one password).
      if (hasSecretWords) {
        node.args[item.index] = REDACTION_MARKER;
        changed = true;
      }
    } else if (hasSecretWords && item.kind !== 'missing-value') {
      // A word that looks like an option but is none may be the password itself (`rootpw -x`).
      node.args[item.index] = REDACTION_MARKER;
      changed = true;
    }
  }
  return changed;
}

export function redactKickstart(doc: KickstartDocument): KickstartDocument {
  const copy = cloneDocument(doc);
  for (const node of copy.nodes) {
    if (node.kind !== 'command') continue;
    if (redactCommand(node)) {
      node.raw = undefined;
      node.comment = undefined;
    }
  }
  return copy;
}
