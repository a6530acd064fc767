/**
 * Drops (`kiln drop`): the spec, names and compose ids, productmd metadata, CHECKSUM files and
 * their signatures, the compose's STATUS. Pure functions and small file writers: no guests, no
 * pipeline; the drop runner in src/pipeline/ calls these.
 */
export { loadDropSpec, parseDropSpec, type ParseDropSpecOptions } from './drop-spec.js';
export type { DropSpec, DropImage, DropImageSource, DropRelease, DropPublish, DropPublishEc2, DropTest, RegionCheck } from './drop-spec-types.js';
export { DROP_ARCHES, composeArch, dropArch, treeFor, treePlaceholders, type ComposeArch } from './arches.js';
export { TAG_PLACEHOLDERS, TREE_PLACEHOLDERS, expandPlaceholders, placeholdersIn, type TagPlaceholder } from './placeholders.js';
export { expandTags, tagPlaceholderValues } from './publish-tags.js';
export {
  COMPOSE_TYPES,
  COMPOSE_TYPE_SUFFIX,
  composeDate,
  composeIdPrefix,
  composeShort,
  createComposeId,
  parseComposeId,
  type ComposeIdParts,
  type ComposeType,
} from './compose-id.js';
export { existingRespins, nextFreeRespin, reserveComposeDir, type ReservedCompose } from './respin.js';
export {
  checkComposeLabel,
  imageRelease,
  imageVersion,
  isFinalLabel,
  isValidLabel,
  labelMajorVersion,
  parseLabel,
  verifyLabel,
  type ComposeRespin,
  type ParsedLabel,
} from './labels.js';
export { NAME_PART, checksumFileName, imageFileName, imageStem, subvariantOf, type ChecksumNameParts, type ImageNameParts } from './image-names.js';
export {
  NAME_GENERATORS,
  composeChecksumFileName,
  composeIdentity,
  composeImageFileName,
  composeImageNvr,
  imageNvr,
  isNameGenerator,
  type ComposeIdentity,
  type ComposeWhen,
} from './compose-identity.js';
export { composeLayout, type ComposeLayout } from './layout.js';
export { productmdImageKind, type ProductmdImageKind } from './target-formats.js';
export * from './productmd-rules.js';
export { productmdJson } from './productmd-json.js';
export { buildComposeInfo, composeSection, type ComposeInfoJson, type ComposeSectionJson, type VariantJson } from './composeinfo.js';
export { buildImagesJson, imageEntry, type ComposeOutput, type ImageJson, type ImagesJson } from './images-json.js';
export { validateImagesJson } from './validate-images.js';
export { validateComposeInfoJson } from './validate-composeinfo.js';
export { assertProductmdValid, type ProductmdFile } from './validate-productmd.js';
export { writeComposeInfo, writeImagesJson } from './metadata-files.js';
export { formatChecksumFile, parseChecksumFile, writeChecksumFile, type ChecksumEntry } from './checksum-file.js';
export { clearsignedText, isClearsigned } from './clearsigned.js';
export { clearsignFile, exportPublicKey, verifyClearsigned, type GpgOptions, type SignOptions } from './signing.js';
export {
  COMPOSE_STATUSES,
  finishedStatus,
  readComposeId,
  readComposeStatus,
  writeComposeId,
  writeComposeStatus,
  type ComposeStatus,
} from './status.js';
