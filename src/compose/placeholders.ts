/**
 * `{name}` placeholders in drop spec strings: the install tree (`{arch}`, `{basearch}`) and EC2 tag
 * values (`{label}`, `{compose_id}`, …). The spec parser rejects unknown names, so expansion
 * never meets one it cannot fill.
 */

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** What the install tree may hold. */
export const TREE_PLACEHOLDERS = ['arch', 'basearch'] as const;

/**
 * What an EC2 tag value may hold, filled per image and arch by the caller:
 * label (empty for an unlabelled compose), compose_id, date, respin, compose_type, version and
 * release (the image's, as in its file name), image (its name), subvariant, arch (compose arch).
 */
export const TAG_PLACEHOLDERS = ['label', 'compose_id', 'date', 'respin', 'compose_type', 'version', 'release', 'image', 'subvariant', 'arch'] as const;
export type TagPlaceholder = (typeof TAG_PLACEHOLDERS)[number];

/** The placeholder names in `text`, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Replaces every `{name}` that `values` has; a name it lacks is left as written. */
export function expandPlaceholders(text: string, values: Readonly<Record<string, string | undefined>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}
