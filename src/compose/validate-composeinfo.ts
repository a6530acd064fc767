/**
 * productmd's rules for composeinfo.json (productmd.composeinfo validators), applied to the JSON
 * document: header, compose section, release (and base product for a layered one), and each
 * variant — id, uid that agrees with its key and parent, name, type, arches, per-arch paths, child
 * variants present. kiln adds two rules productmd only implies: variant arches must be RPM arches
 * (as image arches must), and a path must be for one of the variant's arches (productmd drops
 * the others silently when it loads the file).
 */
import { Checker } from './productmd-check.js';
import { RELEASE_TYPES, RELEASE_VERSION_RE, RPM_ARCHES, VARIANT_PATH_FIELDS, VARIANT_TYPES } from './productmd-rules.js';

export function validateComposeInfoJson(doc: unknown): string[] {
  const c = new Checker();
  const root = c.object(doc, 'document');
  if (!root) return c.problems;
  c.header(root, 'productmd.composeinfo');
  const payload = c.object(root.payload, 'payload');
  if (!payload) return c.problems;
  c.compose(payload.compose, 'payload.compose');
  const release = checkProduct(c, payload.release, 'payload.release');
  if (release?.is_layered === true) checkProduct(c, payload.base_product, 'payload.base_product');
  const variants = c.object(payload.variants, 'payload.variants');
  if (!variants) return c.problems;
  const children = new Set<string>();
  for (const v of Object.values(variants)) {
    const kids = (v as { variants?: unknown; uid?: unknown } | null)?.variants;
    if (Array.isArray(kids)) for (const k of kids) children.add(`${String((v as { uid?: unknown }).uid)}-${String(k)}`);
  }
  for (const [key, v] of Object.entries(variants)) {
    checkVariant(c, key, v, `payload.variants.${key}`, children.has(key), variants);
  }
  return c.problems;
}

function checkProduct(c: Checker, value: unknown, at: string): Record<string, unknown> | undefined {
  const p = c.object(value, at);
  if (!p) return undefined;
  c.is(p.name, `${at}.name`, ['string']);
  if (c.is(p.version, `${at}.version`, ['string'])) c.matches(p.version, `${at}.version`, RELEASE_VERSION_RE, 'a release version (19, 7.9, Rawhide)');
  c.is(p.short, `${at}.short`, ['string']);
  // productmd reads a missing type as 'ga' and lower-cases it.
  const type = p.type ?? 'ga';
  if (c.is(type, `${at}.type`, ['string'])) c.oneOf((type as string).toLowerCase(), `${at}.type`, RELEASE_TYPES, 'a release type');
  if (p.is_layered !== undefined) c.is(p.is_layered, `${at}.is_layered`, ['bool']);
  if (p.internal !== undefined) c.is(p.internal, `${at}.internal`, ['bool']);
  return p;
}

function checkVariant(c: Checker, key: string, value: unknown, at: string, isChild: boolean, all: Record<string, unknown>): void {
  const v = c.object(value, at);
  if (!v) return;
  if (c.is(v.id, `${at}.id`, ['string'])) c.matches(v.id, `${at}.id`, /^[a-zA-Z0-9]+$/, 'a variant id (letters and digits)');
  if (c.is(v.uid, `${at}.uid`, ['string'])) {
    if (v.uid !== key) c.fail(`${at}.uid`, `"${String(v.uid)}" is not its key "${key}"`);
    else if (!isChild && typeof v.id === 'string' && (v.uid as string).replace(/-/g, '') !== v.id) c.fail(`${at}.uid`, `"${String(v.uid)}" does not align with id "${v.id}"`);
  }
  c.nonBlankString(v.name, `${at}.name`);
  c.oneOf(v.type, `${at}.type`, VARIANT_TYPES, 'a variant type');
  const arches = c.is(v.arches, `${at}.arches`, ['array']) ? (v.arches as unknown[]) : [];
  if (Array.isArray(v.arches) && arches.length === 0) c.fail(`${at}.arches`, 'must not be blank');
  arches.forEach((a, i) => {
    if (c.is(a, `${at}.arches[${i}]`, ['string']) && !RPM_ARCHES.includes(a as string)) c.fail(`${at}.arches[${i}]`, `'${String(a)}' is not an RPM arch`);
  });
  const paths = c.object(v.paths, `${at}.paths`);
  for (const [field, byArch] of Object.entries(paths ?? {})) {
    if (!VARIANT_PATH_FIELDS.includes(field)) {
      c.fail(`${at}.paths.${field}`, `is not a productmd variant path (${VARIANT_PATH_FIELDS.join(', ')})`);
      continue;
    }
    for (const [arch, path] of Object.entries(c.object(byArch, `${at}.paths.${field}`) ?? {})) {
      if (!arches.includes(arch)) c.fail(`${at}.paths.${field}.${arch}`, `arch '${arch}' is not one of the variant's arches`);
      c.nonBlankString(path, `${at}.paths.${field}.${arch}`);
    }
  }
  if (v.variants !== undefined && c.is(v.variants, `${at}.variants`, ['array'])) {
    for (const child of v.variants as unknown[]) {
      if (!(`${String(v.uid)}-${String(child)}` in all)) c.fail(`${at}.variants`, `child variant '${String(child)}' is not listed`);
    }
  }
}
