/** Writing composeinfo.json and images.json: checked against productmd's rules, then written atomically. */
import { writeFileAtomic } from '../core/atomic.js';
import type { Arch } from '../core/arch.js';
import type { ComposeIdentity } from './compose-identity.js';
import { buildComposeInfo, type ComposeInfoJson } from './composeinfo.js';
import { buildImagesJson, type ComposeOutput, type ImagesJson } from './images-json.js';
import type { ComposeLayout } from './layout.js';
import { productmdJson } from './productmd-json.js';
import { assertProductmdValid } from './validate-productmd.js';

export async function writeComposeInfo(layout: ComposeLayout, compose: ComposeIdentity, arches: readonly Arch[]): Promise<ComposeInfoJson> {
  const doc = buildComposeInfo(compose, arches);
  assertProductmdValid('composeinfo.json', doc);
  await writeFileAtomic(layout.composeinfoFile, productmdJson(doc));
  return doc;
}

export async function writeImagesJson(layout: ComposeLayout, compose: ComposeIdentity, outputs: readonly ComposeOutput[]): Promise<ImagesJson> {
  const doc = buildImagesJson(compose, outputs);
  assertProductmdValid('images.json', doc);
  await writeFileAtomic(layout.imagesFile, productmdJson(doc));
  return doc;
}
