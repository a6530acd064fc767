/**
 * productmd's rules for images.json (productmd.images.Images and Image validators), applied to
 * the JSON document: header, compose section, variant → arch → image list, each image's required
 * fields and their types, the fixed type and format lists, arches from RPM_ARCHES (never src or
 * nosrc), and no two different images sharing all of productmd's identifying attributes.
 * kiln adds one rule productmd leaves to its consumers: the format must be one its type has
 * (IMAGE_TYPE_FORMATS), unless productmd names no format for the type.
 */
import { Checker } from './productmd-check.js';
import { IMAGE_FORMATS, IMAGE_TYPE_FORMATS, IMAGE_TYPES, RPM_ARCHES } from './productmd-rules.js';

/** Every broken rule, each naming its field; empty when the document is valid. */
export function validateImagesJson(doc: unknown): string[] {
  const c = new Checker();
  const root = c.object(doc, 'document');
  if (!root) return c.problems;
  c.header(root, 'productmd.images');
  const payload = c.object(root.payload, 'payload');
  if (!payload) return c.problems;
  c.compose(payload.compose, 'payload.compose');
  const variants = c.object(payload.images, 'payload.images');
  const seen = new Map<string, { path: string; checksums: string }>();
  for (const [variant, arches] of Object.entries(variants ?? {})) {
    for (const [arch, list] of Object.entries(c.object(arches, `payload.images.${variant}`) ?? {})) {
      const at = `payload.images.${variant}.${arch}`;
      if (!RPM_ARCHES.includes(arch)) c.fail(at, `'${arch}' is not an RPM arch productmd accepts`);
      else if (arch === 'src' || arch === 'nosrc') c.fail(at, 'source arches are not allowed; productmd lists source images under binary arches');
      if (!c.is(list, at, ['array'])) continue;
      (list as unknown[]).forEach((image, i) => checkImage(c, image, `${at}[${i}]`, seen));
    }
  }
  return c.problems;
}

function checkImage(c: Checker, value: unknown, at: string, seen: Map<string, { path: string; checksums: string }>): void {
  const img = c.object(value, at);
  if (!img) return;
  c.nonBlankString(img.path, `${at}.path`);
  c.is(img.mtime, `${at}.mtime`, ['int']);
  if (c.is(img.size, `${at}.size`, ['int']) && img.size === 0) c.fail(`${at}.size`, 'must not be blank (0)');
  if (c.is(img.volume_id, `${at}.volume_id`, ['null', 'string']) && img.volume_id === '') c.fail(`${at}.volume_id`, 'must not be blank');
  const typeOk = c.is(img.type, `${at}.type`, ['string']) && c.oneOf(img.type, `${at}.type`, IMAGE_TYPES, 'a productmd image type');
  // productmd reads a missing format as 'iso'.
  const format = img.format ?? 'iso';
  const formatOk = c.is(format, `${at}.format`, ['string']) && c.oneOf(format, `${at}.format`, IMAGE_FORMATS, 'a productmd image format');
  if (typeOk && formatOk) {
    const allowed = IMAGE_TYPE_FORMATS[img.type as string]!;
    if (allowed.length > 0 && !allowed.includes(format as string)) {
      c.fail(`${at}.format`, `"${String(format)}" is not a format of image type "${String(img.type)}" (it has: ${allowed.join(', ')})`);
    }
  }
  c.nonBlankString(img.arch, `${at}.arch`);
  c.is(img.disc_number, `${at}.disc_number`, ['int']);
  c.is(img.disc_count, `${at}.disc_count`, ['int']);
  const sums = c.object(img.checksums, `${at}.checksums`);
  if (sums && Object.keys(sums).length === 0) c.fail(`${at}.checksums`, 'must not be blank');
  for (const [alg, digest] of Object.entries(sums ?? {})) c.is(digest, `${at}.checksums.${alg}`, ['string']);
  if (c.is(img.implant_md5, `${at}.implant_md5`, ['null', 'string']) && typeof img.implant_md5 === 'string') {
    c.matches(img.implant_md5, `${at}.implant_md5`, /^[a-z0-9]{32}$/, 'an MD5 (32 lower-case hex digits)');
  }
  c.is(img.bootable, `${at}.bootable`, ['bool']);
  c.is(img.subvariant, `${at}.subvariant`, ['string']);
  const unified = img.unified ?? false;
  c.is(unified, `${at}.unified`, ['bool']);
  const extra = img.additional_variants ?? [];
  if (c.is(extra, `${at}.additional_variants`, ['array']) && (extra as unknown[]).length > 0 && unified !== true) {
    c.fail(`${at}.additional_variants`, 'only unified images can contain multiple variants');
  }
  // productmd's UNIQUE_IMAGE_ATTRIBUTES: images alike in all of them must be the same file.
  const identity = JSON.stringify([img.subvariant, img.type, format, img.arch, img.disc_number, unified, extra]);
  const checksums = JSON.stringify(img.checksums);
  const other = seen.get(identity);
  if (other && other.checksums !== checksums) {
    c.fail(at, `shares subvariant, type, format, arch and disc number with ${other.path} (productmd forbids it; give the images different subvariants)`);
  } else if (!other) seen.set(identity, { path: at, checksums });
}
