/**
 * The template layer's public API: kickstart parsing, validation, editing, flattening and the
 * install-kickstart derivation; Oz TDL reading; guest templates; the image spec `kiln build` uses.
 */
export { resolveImageSpec, normalizeArch, type ImageSpec, type ResolveImageSpecInput, type Arch, type Family } from './image-spec.js';

export type { KickstartDocument, KsNode, CommandNode, SectionNode, IncludeNode, CommentNode, BlankNode, BodyLine, Loc } from './kickstart/document.js';
export { renderKickstart, cloneDocument, emptyDocument } from './kickstart/document.js';
export { parseKickstart, type ParseResult } from './kickstart/parse.js';
export { loadKickstartFile, loadKickstartText, flattenDocument, type LoadOptions, type LoadedKickstart } from './kickstart/include.js';
export { validateKickstart, availableCommandNames, declaredSyntax, type ValidationResult } from './kickstart/validate.js';
export { formatDiagnostic, locateDiagnostic, errorsOf, warningsOf, sortDiagnostics, type Diagnostic, type Severity } from './kickstart/diagnostics.js';
export {
  findCommands,
  getCommand,
  getOption,
  getPositionals,
  setOption,
  removeOption,
  addCommand,
  setCommand,
  removeCommands,
  findSections,
  appendSection,
  appendSectionText,
  mapUrls,
  type UrlSite,
} from './kickstart/edit.js';
export { mergeKickstarts, type MergeResult } from './kickstart/merge.js';
export { deriveInstallKickstart, type DeriveOptions, type DerivedKickstart, type RootPassword } from './kickstart/derive.js';
export { redactKickstart, REDACTION_MARKER } from './kickstart/redact.js';
export { tokenize, quoteWord } from './kickstart/tokenize.js';
export { resolveSyntaxVersion, allVersions, syntaxForRelease, NEWEST_FEDORA, SYNTAX_RANGE, type SyntaxVersion, type ResolvedVersion } from './kickstart/versions.js';

export { readTdl, type TdlReadResult } from './tdl/read.js';
export type { Tdl, TdlPackage, TdlRepository, TdlScript, TdlInstall } from './tdl/model.js';
export { applyTdlToKickstart } from './tdl/to-kickstart.js';

export { listGuestTemplates, getGuestTemplate, renderGuestTemplate, GUEST_TEMPLATES_DIR, type GuestTemplateInfo, type RenderedTemplate } from './guest-templates.js';
export { validatePreseed } from './preseed.js';
