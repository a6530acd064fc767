/** The shape of a benchmark section: each area measures itself against baselines run in the same invocation. */

export interface BenchRow {
  section: string;
  name: string;
  seconds: number;
  /** The name of the row this one is compared with. */
  baseline?: string;
  /** baseline seconds / these seconds: >1 means kiln is faster. */
  ratio?: number;
  goal?: string;
  note?: string;
}

export interface BenchContext {
  /** A scratch directory for this section (removed afterwards). */
  workDir: string;
  /** Smaller inputs, for a smoke run (`npm run bench -- --quick`). */
  quick: boolean;
  log: (line: string) => void;
}

export type BenchSection = (ctx: BenchContext) => Promise<BenchRow[]>;
