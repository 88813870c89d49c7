import type { Job, JobKindToken } from '../../graph/job-graph.js';

/**
 * The texts of a stable run's recipe around a job's own parts (see `RecipeWriter`):
 * `<set><own config body><cmd><pieces in between><end>`, each set, cmd and end as the
 * frame's last recipe wrote it (by then a variable's reference, or text no variable
 * can hold), so the same for every later job.
 */
export interface FrameTexts {
  readonly set: string;
  readonly cmd: string;
  readonly end: string;
}

/**
 * Where a frame splits a command: the pieces before `before` and from `count - after`
 * on are the frame's, and which pieces are made from a job's own values alone.
 */
export interface FrameShape {
  readonly ownPieces: readonly boolean[];
  readonly before: number;
  readonly after: number;
}

/** What one own config gives a recipe in frames of one shape. */
export interface OwnParts {
  readonly ownBody: string;
  /** The quoted pieces in between. */
  readonly between: string;
  /** The quoted own pieces at the frame's ends, joined: a frame fits only jobs whose are its own. */
  readonly ends: string;
}

interface KindFrame extends FrameTexts {
  readonly kind: JobKindToken;
  readonly ends: string;
  readonly byOwn: Map<string, OwnParts>;
}

/** Own configs a frame shape remembers; a sweep's distinct values of one node are far fewer. */
const REMEMBERED_OWN_CONFIGS = 1 << 16;

/**
 * Recipes of jobs of one kind (see `Job.kind`) without their command pieces. Jobs of a
 * kind differ only in their own values, so in a frame of their kind a job's recipe is
 * the frame's texts around parts that depend on its own config alone: its body, and
 * the pieces in between when all of those are made from its own values (or are the
 * node's pieces around the job dir). Those parts are remembered per frame shape, so the
 * jobs with one own config under every upstream job of a sweep share them, and a
 * million-job Makefile builds no command pieces for most of its jobs.
 */
export class KindFrames {
  #current: KindFrame | undefined;
  /** Own parts per frame shape: its own-piece flags (one array per config layout), then its split. */
  readonly #byShape = new Map<readonly boolean[], Map<number, Map<string, OwnParts>>>();

  /** The recipe of `job` (whose own config members are `own`) when the last frame is of its kind and knows its own config; else undefined. */
  recipe(job: Job, own: string): string | undefined {
    const frame = this.#current;
    if (frame === undefined || frame.kind !== job.kind) return undefined;
    const parts = frame.byOwn.get(own);
    if (parts === undefined || parts.ends !== frame.ends) return undefined;
    return frame.set + parts.ownBody + frame.cmd + parts.between + frame.end;
  }

  /**
   * Notes the frame a job's recipe was just written with: its texts, the quoted own
   * pieces at its ends (joined), and what the job's own config gave it (`parts`:
   * undefined when its pieces in between depend on more than its own values).
   */
  note(job: Job, shape: FrameShape, texts: FrameTexts, ends: string, own: string, parts: OwnParts | undefined): void {
    const byOwn = this.#ownPartsOf(shape);
    if (parts !== undefined && byOwn.size < REMEMBERED_OWN_CONFIGS && !byOwn.has(own)) byOwn.set(own, parts);
    // Spelled out, not spread: a spread object's fields read slower, and these are read per job.
    this.#current = { set: texts.set, cmd: texts.cmd, end: texts.end, kind: job.kind, ends, byOwn };
  }

  /** Forgets the last frame: the next job's recipe is written in full. */
  forget(): void {
    this.#current = undefined;
  }

  #ownPartsOf(shape: FrameShape): Map<string, OwnParts> {
    let bySplit = this.#byShape.get(shape.ownPieces);
    if (bySplit === undefined) this.#byShape.set(shape.ownPieces, (bySplit = new Map()));
    // A command has a few dozen pieces at most: the split fits one number.
    const split = shape.before * 0x10000 + shape.after;
    let byOwn = bySplit.get(split);
    if (byOwn === undefined) bySplit.set(split, (byOwn = new Map()));
    return byOwn;
  }
}
