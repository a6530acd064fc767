/**
 * Milestone labels (`Alpha-1.1`, `Beta-1.3`, `RC-1.6`: productmd's LABEL_NAMES and pattern) and
 * what Pungi makes of them for image names (Compose.image_version / image_release):
 * - version: the release version, with `_<milestone>` appended unless the label is an RC
 *   (Beta-1.3 → 19_Beta, RC-1.6 → 19); without a label, the release version;
 * - release: the label's number (Beta-1.3 → 1.3); without a label, `<date><type suffix>.<respin>`
 *   (a nightly: 20261125.n.0; an unlabelled production compose: 20261125.0).
 * A compose is `final` when its label is one of the supported milestones (RC, Update, SecurityFix).
 */
import { KilnError } from '../core/errors.js';
import { COMPOSE_TYPE_SUFFIX, type ComposeType } from './compose-id.js';
import { LABEL_NAMES, LABEL_RE, SUPPORTED_MILESTONES } from './productmd-rules.js';

export interface ParsedLabel {
  /** Beta */
  milestone: string;
  /** 1.3 */
  number: string;
}

export function isValidLabel(label: string): boolean {
  return LABEL_RE.test(label);
}

/** The label, checked like productmd's verify_label; a KilnError LABEL_INVALID (usage) otherwise. */
export function verifyLabel(label: string): string {
  if (!isValidLabel(label)) {
    throw new KilnError('LABEL_INVALID', `label '${label}' is not a productmd milestone label`, {
      usage: true,
      fault: 'user',
      hint: `A label is <milestone>-<major>.<minor> (Beta-1.3, RC-1.6) with a milestone among ${LABEL_NAMES.join(', ')}.`,
    });
  }
  return label;
}

export function parseLabel(label: string): ParsedLabel {
  verifyLabel(label);
  const dash = label.indexOf('-');
  return { milestone: label.slice(0, dash), number: label.slice(dash + 1) };
}

/** productmd's label_major_version: Beta-1.3 → Beta-1. */
export function labelMajorVersion(label: string): string {
  verifyLabel(label);
  return label.slice(0, label.lastIndexOf('.'));
}

/** Whether composeinfo marks the compose final (Pungi's "supported" flag from the label). */
export function isFinalLabel(label: string | undefined): boolean {
  return label !== undefined && SUPPORTED_MILESTONES.includes(parseLabel(label).milestone);
}

/** The image version Pungi derives: 19_Beta for Beta-1.3, 19 for RC-1.6 or no label. */
export function imageVersion(releaseVersion: string, label?: string): string {
  if (label === undefined) return releaseVersion;
  const { milestone } = parseLabel(label);
  return milestone === 'RC' ? releaseVersion : `${releaseVersion}_${milestone}`;
}

export interface ComposeRespin {
  date: string;
  type: ComposeType;
  respin: number;
}

/** The image release Pungi derives: 1.3 for Beta-1.3; `<date><suffix>.<respin>` without a label. */
export function imageRelease(compose: ComposeRespin, label?: string): string {
  if (label !== undefined) return parseLabel(label).number;
  return `${compose.date}${COMPOSE_TYPE_SUFFIX[compose.type]}.${compose.respin}`;
}

/**
 * Pungi's rule for the label a compose needs: a production compose must have one (unless the
 * caller says it deliberately has none); any label given must be valid.
 */
export function checkComposeLabel(type: ComposeType, label: string | undefined, allowNoLabel = false): void {
  if (label !== undefined) verifyLabel(label);
  else if (type === 'production' && !allowNoLabel) {
    throw new KilnError('LABEL_REQUIRED', 'a production compose needs a milestone label', {
      usage: true,
      fault: 'user',
      hint: 'Give --label (Beta-1.3, RC-1.6), or make a nightly compose with --nightly.',
    });
  }
}
