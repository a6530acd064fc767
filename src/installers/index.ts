/** The installers layer's public surface: the driver interface, the registry and its picker. */
export { installerRegistry, pickInstaller, type InstallerName } from './registry.js';
export { parseTreeLocation } from './tree-location.js';
export { matchFailure, type FailurePattern, type FailureMatch } from './failure-patterns.js';
export type { InstallerDriver, InstallMedia, InstallTree, BootImage, AnswerFile, GuestUrls, InstallPlan, InstallMonitoring, MediaRequest } from './driver.js';
