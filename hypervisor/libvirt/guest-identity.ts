/**
 * Whom QEMU runs as under this connection, from the host capabilities libvirt reports: the DAC
 * security model's base label (`<secmodel><model>dac</model>…<baselabel type='qemu'>+64055:+64055`).
 * libvirt's DAC driver hands that user each disk, kernel and initrd of a domain while it runs (and
 * gives them back after), but the directories leading to them must let that user through: the
 * caller makes them so, or says why it cannot.
 */
import { XMLParser } from 'fast-xml-parser';

export interface GuestIdentity {
  uid: number;
  gid: number;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'secmodel' || name === 'baselabel' });

type Label = { type?: string; '#text'?: string } | string;

/** The DAC base label of capabilities XML; undefined when there is none (e.g. the test driver). */
export function guestIdentityFromCapabilities(xml: string): GuestIdentity | undefined {
  const doc = parser.parse(xml) as { capabilities?: { host?: { secmodel?: { model?: string; baselabel?: Label[] }[] } } };
  const dac = doc.capabilities?.host?.secmodel?.find((m) => m.model === 'dac');
  const labels = (dac?.baselabel ?? []).map((l) => (typeof l === 'string' ? { type: '', text: l } : { type: l.type ?? '', text: l['#text'] ?? '' }));
  const label = labels.find((l) => l.type === 'qemu') ?? labels[0];
  const m = /^\+?(\d+):\+?(\d+)$/.exec(label?.text.trim() ?? '');
  return m ? { uid: Number(m[1]), gid: Number(m[2]) } : undefined;
}
