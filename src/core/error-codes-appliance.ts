/**
 * The error codes of deploying appliances (`kiln appliance`): reading bundles and descriptors,
 * host matching, instances (part of the catalogue; see error-catalogue.ts).
 */
import { external, usage, user, type ErrorSpec } from './error-spec.js';

const NOTHING_WRITTEN = 'Nothing was written.';

export const APPLIANCE_ERRORS = {
  // bundles and descriptors
  APPLIANCE_NOT_FOUND: usage('Give an appliance bundle (.appliance.tar, .tar.xz) or its descriptor (.xml).'),
  APPLIANCE_BUNDLE_INVALID: user('An appliance bundle holds one directory with the descriptor and the disk files it names.'),
  APPLIANCE_BUNDLE_TRUNCATED: user('Download or copy the bundle again and compare it with its .sha256.'),
  APPLIANCE_DESCRIPTOR_INVALID: user("Fix the descriptor at the line named above; virt-image's format is described in virt-image(5)."),
  APPLIANCE_FILE_MISSING: user('A bundle holds every system disk (and kernel) its descriptor names; data and scratch disks it does not hold need a size.'),
  APPLIANCE_CHECKSUM_MISMATCH: user(`The bundle's disk is not the one its descriptor describes: get the bundle again. ${NOTHING_WRITTEN}`),
  // the host
  APPLIANCE_HOST_UNSUITABLE: user("'kiln appliance check' explains each boot descriptor; another host (or --accel, --connect) may run it."),
  APPLIANCE_NO_SPACE: user(`Free space there, or keep instances elsewhere with --instances DIR. ${NOTHING_WRITTEN}`),
  APPLIANCE_NO_MEMORY: user(`Stop other guests, or give less with --memory. ${NOTHING_WRITTEN}`),
  // instances
  APPLIANCE_NAME_IN_USE: user("Pick another --name, or remove the old one with 'kiln appliance rm'."),
  APPLIANCE_INSTANCE_NOT_FOUND: usage("'kiln appliance list' shows the instances (--instances DIR picks another directory)."),
  APPLIANCE_INSTANCE_BUSY: user("An earlier kiln command on the instance was cut short; 'kiln appliance rm NAME' removes it (--keep-data keeps its data disks)."),
  APPLIANCE_DOMAIN_MISSING: user("Was its domain undefined by hand? 'kiln appliance rm NAME' removes the rest."),
  APPLIANCE_LOCKED: external('Wait for the other kiln appliance command to finish.'),
  APPLIANCE_UPDATE_ROLLED_BACK: external("The instance runs its old system disks again, its data disks untouched; the new version's boot is in its console.log."),
} as const satisfies Record<string, ErrorSpec>;
