/**
 * The kickstart kiln boots, from the image spec: derived through the kickstart model (poweroff,
 * text mode, kiln's manifest %post, the template's root password) and with loopback URLs pointed
 * at the build's HTTP server. The store key uses the derivation *before* the URL rewrite, whose
 * port changes from build to build.
 */
import type { ImageSpec } from '../template/image-spec.js';
import { cloneDocument, type KickstartDocument } from '../template/kickstart/document.js';
import { deriveInstallKickstart, type DerivedKickstart } from '../template/kickstart/derive.js';
import { getCommand, getOption, mapUrls } from '../template/kickstart/edit.js';
import { manifestPostSection } from '../installers/anaconda/manifest.js';
import type { GuestUrlMap } from './guest-urls.js';

export interface Liveimg {
  url: string;
  checksum?: string;
}

function derive(doc: KickstartDocument, spec: ImageSpec): DerivedKickstart {
  return deriveInstallKickstart(doc, { posts: [manifestPostSection()], rootPassword: spec.rootPassword });
}

export interface PreparedKickstart {
  /** The kickstart as it will be booted, minus the guest-specific URLs: what the store key hashes. */
  keyText: string;
  warnings: string[];
  liveimg?: Liveimg;
  cmdlineMode: boolean;
  /** Registers every URL with the map (call before the guest server starts). */
  registerUrls(map: GuestUrlMap): void;
  /** The booted kickstart, URLs rewritten for the guest. */
  forGuest(map: GuestUrlMap, guestBase: string): DerivedKickstart;
}

export function prepareKickstart(spec: ImageSpec): PreparedKickstart {
  const base = derive(spec.kickstart, spec);
  const live = getCommand(spec.kickstart, 'liveimg');
  const url = live ? getOption(live, '--url') : undefined;
  const checksum = live ? getOption(live, '--checksum') : undefined;
  return {
    keyText: base.text,
    warnings: base.warnings,
    liveimg: typeof url === 'string' ? { url, checksum: typeof checksum === 'string' ? checksum : undefined } : undefined,
    cmdlineMode: getCommand(spec.kickstart, 'cmdline') !== undefined,
    registerUrls(map) {
      mapUrls(cloneDocument(spec.kickstart), (u) => {
        map.register(u);
        return u;
      });
    },
    forGuest(map, guestBase) {
      const doc = cloneDocument(spec.kickstart);
      mapUrls(doc, (u) => map.rewrite(u, guestBase));
      return derive(doc, spec);
    },
  };
}
