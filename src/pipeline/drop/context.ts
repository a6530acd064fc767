/** What every step of one drop shares. */
import type { ComposeIdentity, ComposeLayout, DropSpec } from '../../compose/index.js';
import type { BaseImage } from '../../store/store.js';
import type { PreparedCache } from '../../targets/prepared-cache.js';
import type { JobResources } from '../resources.js';
import type { DropPlan } from './plan.js';
import type { DropRecorder } from './record.js';

export interface DropSettings {
  /** xz preset of raw-xz and raw-tar-xz outputs. */
  xzLevel: number;
  /** Boot-test settings. */
  test: { timeoutS: number; memoryMiB: number };
}

export interface DropContext {
  spec: DropSpec;
  compose: ComposeIdentity;
  layout: ComposeLayout;
  plan: DropPlan;
  recorder: DropRecorder;
  res: JobResources;
  settings: DropSettings;
  /** Base images by install key, as the install steps finish. */
  bases: Map<string, BaseImage>;
  /** Prepared images shared by items that hold the same disk (same install, same cloud prep). */
  prepared: PreparedCache;
  /** Boot tests by disk: an item whose disk another item booted shares that result. */
  diskTests: Map<string, Promise<{ file: string; passed: boolean }>>;
}
