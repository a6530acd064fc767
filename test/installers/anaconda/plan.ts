/** The Anaconda driver's plan for a tree, as the install stage gets it, from a .treeinfo text. */
import { anacondaDriver } from '../../../src/installers/anaconda/index.js';
import type { AnacondaKickstart } from '../../../src/installers/anaconda/kickstart.js';
import type { AnacondaMedia } from '../../../src/installers/anaconda/media.js';
import { parseTreeInfo, type TreeInfo } from '../../../src/installers/anaconda/treeinfo.js';
import type { InstallPlan } from '../../../src/installers/driver.js';
import { GuestMachine } from '../../../src/pipeline/guest-machine.js';

/** `treeinfo`: the .treeinfo text, an already parsed one, or undefined for a tree without one. */
export function anacondaPlan(treeinfo: string | TreeInfo | undefined, o: { cmdlineMode?: boolean } = {}): InstallPlan {
  const image = { path: '/nonexistent', sha256: '0'.repeat(64), verified: false };
  const media: AnacondaMedia = {
    tree: { kind: 'url', location: 'http://mirror.example/os/' },
    kernel: image,
    initrd: image,
    identity: [],
    treeInfo: typeof treeinfo === 'string' ? parseTreeInfo(treeinfo, 'x86_64') : treeinfo,
    treeInfoSha256: '',
  };
  const kickstart: AnacondaKickstart = {
    keyText: '',
    warnings: [],
    cmdlineMode: o.cmdlineMode ?? false,
    registerUrls() {},
    forGuest: () => ({ text: '', redactedText: '' }),
  };
  return anacondaDriver.plan(media, kickstart);
}

/** A guest state machine watching an install the way the install stage does with this plan, booted. */
export function watching(plan: InstallPlan): GuestMachine {
  const machine = new GuestMachine({ timeoutS: 3600, stallTimeoutS: 300, ...plan.monitoring });
  machine.boot(0);
  return machine;
}
