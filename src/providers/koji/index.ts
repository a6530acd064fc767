/** Koji: XML-RPC session, content-generator import of import items, tagging. */
export { KojiSession, type SessionOptions, type CallOptions } from './session.js';
export { KojiFault, kojiFaultError, kojiFaultOf, KOJI_FAULTS } from './faults.js';
export { nvrString, type ImportItem, type ItemBuildroot, type ItemFile, type ItemPackage, type Nvr } from './item.js';
export { cgMetadata, type CgMetadata } from './metadata.js';
export { metadataProblems, assertValidMetadata } from './validate.js';
export { importItem, type ImportOptions, type ImportResult } from './importer.js';
export { uploadToHub, DEFAULT_CHUNK } from './upload.js';
export { BUILD_STATE, TASK_STATE, getBuild, listArchives, getBuildLogs, getTaskInfo, type KojiArchive, type KojiBuild, type KojiBuildLog } from './calls.js';
