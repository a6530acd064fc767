/**
 * The kickstart kiln boots, from the image spec: derived through the kickstart model (poweroff,
 * text mode, kiln's manifest %post, the template's root password) and with loopback URLs pointed
 * at the build's HTTP server. The store key uses the derivation *before* the URL rewrite, whose
 * port changes from build to build.
 */
import type { ImageSpec } from '../../template/image-spec.js';
import { cloneDocument, type KickstartDocument } from '../../template/kickstart/document.js';
import { deriveInstallKickstart, type DerivedKickstart } from '../../template/kickstart/derive.js';
import { getCommand, getOption, mapUrls } from '../../template/kickstart/edit.js';
import type { AnswerFile } from '../driver.js';
import { manifestPostSection } from './manifest.js';

function derive(doc: KickstartDocument, spec: ImageSpec): DerivedKickstart {
  return deriveInstallKickstart(doc, { posts: [manifestPostSection()], rootPassword: spec.rootPassword });
}

export interface AnacondaKickstart extends AnswerFile {
  /** The kickstart asks for cmdline mode (`cmdline` command). */
  cmdlineMode: boolean;
}

export function installKickstart(spec: ImageSpec): AnacondaKickstart {
  const base = derive(spec.kickstart, spec);
  const live = getCommand(spec.kickstart, 'liveimg');
  const url = live ? getOption(live, '--url') : undefined;
  const checksum = live ? getOption(live, '--checksum') : undefined;
  return {
    keyText: base.text,
    warnings: base.warnings,
    payload: typeof url === 'string' ? { url, checksum: typeof checksum === 'string' ? checksum : undefined } : undefined,
    cmdlineMode: getCommand(spec.kickstart, 'cmdline') !== undefined,
    registerUrls(urls) {
      mapUrls(cloneDocument(spec.kickstart), (u) => {
        urls.register(u);
        return u;
      });
    },
    forGuest(urls) {
      const doc = cloneDocument(spec.kickstart);
      mapUrls(doc, (u) => urls.rewrite(u));
      const booted = derive(doc, spec);
      return { text: booted.text, redactedText: booted.redactedText };
    },
  };
}
