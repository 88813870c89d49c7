import type { Job, JobDirPiece } from '../../graph/job-graph.js';
import type { CommandPiece } from '../../graph/render-command.js';
import { relativeTo } from '../../graph/job.js';
import { runnerArgs } from '../shared/runtime.js';
import { WORD_LINE_BREAK, WORD_NUL, wordTraits } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import type { JobGraph } from '../../graph/job-graph.js';
import { KindFrames, type FrameTexts } from './kind-frames.js';
import { RECIPE_CONTROL_PRELUDE, recipeQuotedBody, recipeWord, recipeWordWithTraits } from './escape.js';

/** `$(ROOT)`: paths under the root are written through it. */
export const ROOT_REF = '$(ROOT)';
/** Make's directory of the rule's target: the job dir, since the target is `<dir>/.gwc-done`. */
export const JOB_DIR_REF = '$(@D)';
/** The last segment of the job dir: the job's id (a job dir is its node's folder plus its id). */
export const JOB_ID_REF = '$(notdir $(@D))';

const SLASH = 47;
const LINE_BREAK = /[\n\r]/;

/** Where paths are shortened: the root without its trailing slash, and with one. */
export interface RootPaths {
  /** The root without a trailing slash (`''` for `/`). */
  readonly rootPrefix: string;
  /** {@link rootPrefix} plus `/`: what paths under the root start with. */
  readonly rootSlash: string;
}

/**
 * A runner argument in a recipe. Paths in the job dir are shortened through `$(@D)`
 * and other paths under the root through `$(ROOT)`; both expand to make-safe text.
 */
export function runnerWord(word: string, jobDir: string | undefined, root: RootPaths): string {
  if (jobDir !== undefined) {
    if (word === jobDir) return JOB_DIR_REF;
    if (word.startsWith(jobDir) && word.charCodeAt(jobDir.length) === SLASH) {
      return JOB_DIR_REF + recipeWord(word.slice(jobDir.length));
    }
  }
  if (word.startsWith(root.rootSlash)) return ROOT_REF + recipeWord(word.slice(root.rootPrefix.length));
  return recipeWord(word);
}

/** Runner options whose words are the same for every job of a node (dir, id and outputs through `$(@D)`). */
const NODE_OPTIONS = new Set(['--dir', '--id', '--fp', '--output', '--workdir']);

/**
 * The runner's argv in the Makefile's order: first the options whose words a node's jobs
 * share (`--dir`, `--id`, `--fp`, `--output`, `--workdir`), so that one variable can hold them,
 * then the others in their order, then `-- COMMAND`. The runner takes options in any order.
 */
export function makeRunnerArgs(job: Job, graph: JobGraph, options: TargetOptions): string[] {
  const args = runnerArgs(job, graph, options);
  const shared: string[] = [];
  const rest: string[] = [];
  // The last two words are `--` and the command.
  for (let i = 0; i < args.length - 2; ) {
    const option = args[i] as string;
    if (option === '--redo') {
      rest.push(option);
      i += 1;
      continue;
    }
    (NODE_OPTIONS.has(option) ? shared : rest).push(option, args[i + 1] as string);
    i += 2;
  }
  return [...shared, ...rest, ...args.slice(-2)];
}

/**
 * The recipe line of one job, quoted word by word from the runner's argv in the
 * Makefile's order ({@link makeRunnerArgs}): `@set -- <runner args>; $(GWC_RUN)`.
 * This is the definition {@link RecipeWriter} follows.
 */
export function wordByWordRecipe(job: Job, graph: JobGraph, options: TargetOptions, root: RootPaths): string {
  const args = makeRunnerArgs(job, graph, options);
  const separator = args.length - 2;
  // The rule's target is the job's marker, `<dir>/.gwc-done`: `$(@D)` is the job dir.
  const jobDir = job.dir;
  let prelude = '';
  const words = new Array<string>(args.length);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const traits = wordTraits(arg);
    if (traits & WORD_LINE_BREAK) prelude = RECIPE_CONTROL_PRELUDE;
    words[i] = i < separator ? runnerWord(arg, jobDir, root) : recipeWordWithTraits(arg, traits);
  }
  return `\t@${prelude}set -- ${words.join(' ')}; $(GWC_RUN)\n`;
}

/**
 * Recipe text that several jobs repeat. From its second use on a make variable holds
 * it: `<name> = <text>` before the rule, `$(<name>)` in the recipe.
 */
export interface RepeatedText {
  readonly text: string;
  uses: number;
  /** `$(<name>)` once defined. */
  reference?: string;
}

/** The quoted config members a job inherits; shareable through a variable unless empty or holding a `#`. */
interface InheritedBody extends RepeatedText {
  readonly shareable: boolean;
}

/** What a node's jobs under one upstream job share. */
interface UnderUpstream {
  readonly pred: Job;
  /** The node of the jobs under it. */
  readonly node: string;
  links?: LinkPieces;
  /** Their `--see-also` words and their shared succ link (if any), as the first such job had them. */
  seeAlso?: string;
  sharedSucc?: string | undefined;
  /** Those words and the `.pred/` link: what the jobs under it share. */
  words?: RepeatedText;
}

/** A job's job_config.json members: its ancestors' and its own. */
type ConfigParts = Job['configParts'];

/** What ends every recipe line. */
const RECIPE_END = '; $(GWC_RUN)\n';

/** The frame of the last recipe written (see `RecipeWriter.#noteFrame`), and what decided it. */
interface FrameRun {
  readonly node: string;
  readonly preds: readonly Job[];
  readonly redo: boolean;
  readonly inherited: string;
  readonly ownEmpty: boolean;
  /** `\t@set -- <node words> --config '{<inherited>, `. */
  readonly head: string;
  /** `}' <upstream words> [--gpus N] [--redo] -- `. */
  readonly middle: string;
  /** Whether the jobs that continue the run have this frame. */
  stable: boolean;
  /** {@link head} but its tab, as a frame text (see {@link FrameText}). */
  readonly set: FrameText;
  /** The command pieces of the run's last job, and the frame its jobs' commands share. */
  lastPieces: readonly CommandPiece[] | undefined;
  command: CommandFrame | undefined;
}

/**
 * What the commands of a run's jobs share: the pieces at both ends, the same for its
 * jobs (a sweep's jobs under one upstream job differ in a few params), written once a
 * run through variables. A recipe of the run is then
 * `\t<set><own config body><cmd><the pieces in between><end>`.
 */
interface CommandFrame {
  readonly pieces: readonly CommandPiece[];
  /** Shared pieces at the start and at the end. */
  readonly before: number;
  readonly after: number;
  /** `<middle>'<bodies of the pieces before>`. */
  readonly cmd: FrameText;
  /** `<bodies of the pieces after>'; $(GWC_RUN)`. */
  readonly end: FrameText;
}

/**
 * Recipe text every job of a run repeats, held by a variable from its second use (see
 * `RecipeWriter.repeat`) when a definition can hold it: make strips a value's leading
 * blanks and would take a `#` for a comment or a trailing backslash for a line that
 * goes on. So the blanks at its ends stay in the recipe, and a text with `#` or a
 * trailing backslash stays there whole.
 */
interface FrameText {
  readonly lead: string;
  readonly core: RepeatedText;
  readonly trail: string;
  readonly shareable: boolean;
}

/** Whether `pieces` have the frame's pieces at both ends. */
function fitsFrame(frame: CommandFrame, pieces: readonly CommandPiece[]): boolean {
  const count = pieces.length;
  if (count !== frame.pieces.length) return false;
  for (let i = 0; i < frame.before; i++) if (pieces[i] !== frame.pieces[i]) return false;
  for (let i = count - frame.after; i < count; i++) if (pieces[i] !== frame.pieces[i]) return false;
  return true;
}

function frameText(text: string): FrameText {
  const core = text.trim();
  const lead = text.slice(0, text.length - text.trimStart().length);
  const trail = text.slice(lead.length + core.length);
  const shareable = core !== '' && !core.includes('#') && !core.endsWith('\\');
  return { lead, core: { text: core, uses: 0 }, trail, shareable };
}

/** Whether a frame text reads the same from now on: a variable's reference once it has one, or text no variable can hold. */
function isSettled(text: FrameText): boolean {
  return !text.shareable || text.core.reference !== undefined;
}

/** A recipe's frame and what it was made from: the run, the job's command pieces and its folder's remembered bodies. */
interface FrameAt {
  readonly run: FrameRun;
  readonly frame: CommandFrame;
  readonly pieces: readonly CommandPiece[];
  readonly remembered: FolderPieces;
}

/** The runner words a node's jobs with default outputs share, and what they were made from. */
interface NodeWords {
  readonly fingerprint: string;
  readonly outputs: string;
  readonly words: RepeatedText;
  /** False when the text holds a `#`: a variable's definition cannot. */
  readonly shareable: boolean;
}

/** Traits that keep a text out of a single-quoted word on one recipe line. */
const UNQUOTABLE_IN_LINE = WORD_LINE_BREAK | WORD_NUL;

/** How many frame texts the writer remembers (see `RecipeWriter.#frameTextOf`). */
const REMEMBERED_FRAME_TEXTS = 1 << 12;

/** How many command pieces a folder's jobs remember; a sweep's distinct values are far fewer. */
const REMEMBERED_PIECES = 1 << 14;

/** Quoted, root-shortened bodies of command pieces, for the jobs of one node (their dirs are in one folder). */
interface FolderPieces {
  readonly node: string;
  /** The folder, with its trailing slash. */
  readonly folder: string;
  readonly bodies: Map<string, string>;
  /** Whether the folder, so every job dir in it, lies under the root. */
  readonly underRoot: boolean;
  /** Whether the workdir lies in the folder: then it may lie in a job dir. */
  readonly holdsWorkdir: boolean;
  /** The last job's pieces, and per piece its body when another job may use it too (not one naming its dir). */
  lastPieces: readonly CommandPiece[];
  readonly lastBodies: (string | undefined)[];
}

/** The two `--link` words a job gets per predecessor, less what names the job itself. */
interface LinkPieces {
  /** `--link $(@D)/.pred/<node>/<id>=<target>`: the same for every job of one node. */
  readonly predLink: string;
  /** The succ link's path after `$(ROOT)`, up to the job's id. */
  readonly succPath: string;
  /** `=` and the succ link's target up to the job's id. */
  readonly succTarget: string;
  /** The succ link as every job of the node under the upstream job spells it; only when the link is bare (given a bare id). */
  sharedSucc: string | undefined;
}

/**
 * Recipe lines built from pieces cached per node and per upstream job. In a sweep most
 * of a recipe repeats for every job of a node (its dir, id, fingerprint, outputs and
 * workdir words) or under one upstream job (its ancestors' dirs, its links), so a
 * million-job Makefile quotes those once, and from their second use refers to them
 * through variables. After make expands those, the text is byte for byte
 * {@link wordByWordRecipe}'s, which still writes the rare recipes the pieces do not
 * cover (values with line breaks need a shell prelude).
 *
 * Ids and links assume what the graph builder guarantees: a job dir is its node's
 * folder plus its id (so `$(notdir $(@D))` is the id, and every job of a node sits at
 * the same depth).
 */
export class RecipeWriter {
  readonly #graph: JobGraph;
  readonly #options: TargetOptions;
  readonly #root: RootPaths;
  /** A job's `ancestors` array → its ` --see-also …` text (jobs with one predecessor share the array). */
  readonly #seeAlso = new Map<readonly Job[], string>();
  /** Node name → upstream job → what that node's jobs under it share. */
  readonly #underUpstream = new Map<string, Map<Job, UnderUpstream>>();
  #lastUnder: UnderUpstream | undefined;
  /** Inherited config members → their quoted text (null when it cannot be quoted on one line). */
  readonly #inherited = new Map<string, InheritedBody | null>();
  #lastInherited: string | undefined;
  #lastInheritedBody: InheritedBody | null = null;
  /** A job's own config members → their quoted body (null when they cannot be on one line). */
  readonly #ownBodies = new Map<string, string | null>();
  /** Variable definitions made since the last {@link takeDefinitions}. */
  #definitions = '';
  #variables = 0;
  /** ` --workdir <dir>`, the same for every job. */
  readonly #workdirWords: string;
  /** Node name → its jobs' {@link #nodeWords} when their outputs are the default paths. */
  readonly #sharedNodeWords = new Map<string, NodeWords>();
  /** The texts of those words → one repeated text each, so nodes with the same words share a variable. */
  readonly #nodeWordsByText = new Map<string, RepeatedText>();
  readonly #workdirHasLineBreak: boolean;
  #lastFingerprint = '';
  #lastFingerprintWord = "''";
  /** The node of the last job whose id {@link #isPlainId} checked, and the answer. */
  #lastIdNode: string | undefined;
  #lastIdPlain = false;
  /** Node → the quoted bodies of command pieces that name no job dir in its folder. */
  readonly #folderPieces = new Map<string, FolderPieces>();
  #lastFolder: FolderPieces | undefined;
  /** Node name → its output names, sorted. */
  readonly #outputNamesOf = new Map<string, readonly string[]>();
  /** Bodies of the pieces around a job dir (see {@link #dirPieceBody}). */
  readonly #dirPieceBodies = new Map<JobDirPiece, string | undefined>();
  /** Node name → the ` --output` words of its jobs whose outputs are the default paths (the same for all). */
  readonly #defaultOutputWords = new Map<string, string | undefined>();
  #run: FrameRun | undefined;
  /** Recipes of jobs of the last frame's kind, made from their own config alone. */
  readonly #kindFrames = new KindFrames();
  /** The pieces of the last command {@link #commandWord} wrote (a new run's first job's). */
  #lastCommandPieces: readonly CommandPiece[] | undefined;

  constructor(graph: JobGraph, options: TargetOptions, root: RootPaths) {
    this.#graph = graph;
    this.#options = options;
    this.#root = root;
    this.#workdirWords = ` --workdir ${runnerWord(graph.workdir, undefined, root)}`;
    this.#workdirHasLineBreak = LINE_BREAK.test(graph.workdir);
  }

  /**
   * Whether the cached pieces give this job's recipe; the rest is written word by word.
   * The rule's target is the job's marker, `<dir>/.gwc-done`, so `$(@D)` is its dir.
   */
  #covers(job: Job): boolean {
    if (this.#workdirHasLineBreak) return false;
    const { underRoot, holdsWorkdir } = this.#piecesOf(job);
    // The workdir is written through $(@D) when it lies in the job dir.
    return underRoot && !(holdsWorkdir && this.#graph.workdir.startsWith(job.dir));
  }

  /** The recipe line of a job, in the rule whose target is its done marker. */
  recipe(job: Job): string {
    const parts = job.configParts;
    const known = this.#kindFrames.recipe(job, parts.own);
    if (known !== undefined) return known;
    const run = this.#run;
    if (run?.stable === true && this.#continues(run, job, parts) && job.defaultOutputs && this.#covers(job)) {
      const ownBody = this.#ownBody(parts.own);
      const framed = ownBody === null ? undefined : this.#framedRecipe(run, job, parts.own, ownBody);
      if (framed !== undefined) return framed;
    }
    this.#kindFrames.forget();
    return this.#fullRecipe(job, parts);
  }

  /**
   * A recipe of a stable run: its frame's texts (variables from their second use), the
   * job's own config body, and the command pieces the frame leaves out. Undefined when
   * one of those cannot be quoted on one line.
   */
  #framedRecipe(run: FrameRun, job: Job, own: string, ownBody: string): string | undefined {
    const pieces = job.commandPieces;
    const frame = this.#commandFrame(run, job, pieces);
    run.lastPieces = pieces;
    if (frame === undefined) return undefined;
    const remembered = this.#piecesOf(job);
    const between = this.#bodiesOf(pieces, frame.before, pieces.length - frame.after, remembered, job);
    if (between === undefined) return undefined;
    const texts = {
      set: `\t${this.#frameTextIn(run.set, 'GWC_SET')}`,
      cmd: this.#frameTextIn(frame.cmd, 'GWC_CMD'),
      end: `${this.#frameTextIn(frame.end, 'GWC_END')}\n`,
    };
    this.#noteKindFrame(job, { run, frame, pieces, remembered }, texts, own, { ownBody, between });
    return texts.set + ownBody + texts.cmd + between + texts.end;
  }

  /**
   * Hands the frame a job's recipe was written with to {@link KindFrames}, so the next
   * jobs of its kind skip their command pieces; forgets it when those could differ
   * from the job's elsewhere than in its own pieces (its dir may hold the workdir, no
   * argument template says which pieces are its own), or when a text would still turn
   * into a variable.
   */
  #noteKindFrame(job: Job, at: FrameAt, texts: FrameTexts, own: string, parts: { ownBody: string; between: string }): void {
    const { frame, pieces, remembered } = at;
    const ownPieces = job.ownPieces;
    const ends = ownPieces === undefined ? undefined : this.#kindEnds(at, ownPieces);
    if (ownPieces === undefined || ends === undefined) {
      this.#kindFrames.forget();
      return;
    }
    const shape = { ownPieces, before: frame.before, after: frame.after };
    const ownOnly = this.#ownAlone(pieces, frame.before, pieces.length - frame.after, ownPieces, remembered);
    this.#kindFrames.note(job, shape, texts, ends, own, ownOnly ? { ownBody: parts.ownBody, between: parts.between, ends } : undefined);
  }

  /**
   * The quoted own pieces at the frame's ends, joined; undefined when the kind's next
   * jobs cannot take the frame: a text would still turn into a variable, the flags do
   * not fit the pieces, a job dir may hold the workdir, or an own piece names a job dir
   * (its text would not be the job's alone).
   */
  #kindEnds(at: FrameAt, ownPieces: readonly boolean[]): string | undefined {
    const { run, frame, pieces, remembered } = at;
    if (!isSettled(run.set) || !isSettled(frame.cmd) || !isSettled(frame.end)) return undefined;
    if (ownPieces.length !== pieces.length || remembered.holdsWorkdir) return undefined;
    const bodies: string[] = [];
    for (let i = 0; i < pieces.length; i++) {
      if (i === frame.before) i = pieces.length - frame.after;
      const piece = pieces[i];
      if (!ownPieces[i] || typeof piece !== 'string') continue;
      const body = remembered.bodies.get(piece);
      if (body === undefined) return undefined;
      bodies.push(body);
    }
    // Joined, not added up: a flat string, compared once per job.
    return bodies.join('\n');
  }

  /** Whether `pieces[from, to)` are made from the job's own values alone (or are the node's pieces around the job dir), their text naming no job dir. */
  #ownAlone(pieces: readonly CommandPiece[], from: number, to: number, ownPieces: readonly boolean[], remembered: FolderPieces): boolean {
    for (let i = from; i < to; i++) {
      const piece = pieces[i];
      if (typeof piece === 'string' && !(ownPieces[i] === true && remembered.bodies.has(piece))) return false;
    }
    return true;
  }

  #frameTextIn(text: FrameText, stem: string): string {
    return text.lead + (text.shareable ? this.repeat(text.core, stem) : text.core.text) + text.trail;
  }

  /**
   * The run's command frame when `pieces` fit it; else a new one, from what they share
   * with the run's last job's pieces at both ends (none when their counts differ: the
   * frame then holds only the run's head and middle). Undefined when a shared piece
   * cannot be quoted on one line.
   */
  #commandFrame(run: FrameRun, job: Job, pieces: readonly CommandPiece[]): CommandFrame | undefined {
    const frame = run.command;
    if (frame !== undefined && fitsFrame(frame, pieces)) return frame;
    const last = run.lastPieces;
    const remembered = this.#piecesOf(job);
    let before = 0;
    let after = 0;
    if (last !== undefined && last.length === pieces.length) {
      const count = pieces.length;
      const shared = (i: number): boolean => last[i] === pieces[i] && this.#sharable(pieces[i] as CommandPiece, remembered, job);
      while (before < count && shared(before)) before++;
      while (after < count - before && shared(count - 1 - after)) after++;
    }
    const head = this.#bodiesOf(pieces, 0, before, remembered, job);
    const tail = this.#bodiesOf(pieces, pieces.length - after, pieces.length, remembered, job);
    if (head === undefined || tail === undefined) return (run.command = undefined);
    const cmd = this.#frameTextOf(`${run.middle}'${head}`);
    const end = this.#frameTextOf(`${tail}'${RECIPE_END.slice(0, -1)}`);
    run.command = { pieces, before, after, cmd, end };
    return run.command;
  }

  /** Frame texts by text: a run whose frame is made again (its jobs' commands changed shape) keeps its variables. */
  readonly #frameTexts = new Map<string, FrameText>();

  #frameTextOf(text: string): FrameText {
    let made = this.#frameTexts.get(text);
    if (made === undefined) {
      if (this.#frameTexts.size >= REMEMBERED_FRAME_TEXTS) this.#frameTexts.clear();
      this.#frameTexts.set(text, (made = frameText(text)));
    }
    return made;
  }

  /** Whether a piece's quoted body is the same for every job of the folder (remembered: it names no job dir there), and quotable on one line. */
  #sharable(piece: CommandPiece, remembered: FolderPieces, job: Job): boolean {
    return this.#bodyOf(piece, remembered, job) !== undefined && (typeof piece !== 'string' || remembered.bodies.has(piece));
  }

  /** The quoted body of a piece of a job's command; undefined when it cannot be on one line. */
  #bodyOf(piece: CommandPiece, remembered: FolderPieces, job: Job): string | undefined {
    return typeof piece === 'string' ? this.#pieceBody(piece, remembered, job) : this.#dirPieceBody(piece);
  }

  /** The quoted bodies of `pieces[from, to)` of a job's command, joined; undefined when one cannot be on one line. */
  #bodiesOf(pieces: readonly CommandPiece[], from: number, to: number, remembered: FolderPieces, job: Job): string | undefined {
    let body = '';
    for (let i = from; i < to; i++) {
      const text = this.#bodyOf(pieces[i] as CommandPiece, remembered, job);
      if (text === undefined) return undefined;
      body += text;
    }
    return body;
  }

  /** {@link recipe} from its parts, noting the frame for the jobs after it. */
  #fullRecipe(job: Job, parts: ConfigParts): string {
    const command = this.#covers(job) ? this.#commandWord(job) : undefined;
    if (command === undefined) return wordByWordRecipe(job, this.#graph, this.#options, this.#root);
    const config = this.#configWord(parts);
    const outputs = this.#outputs(job);
    if (config === undefined || outputs === undefined) return wordByWordRecipe(job, this.#graph, this.#options, this.#root);
    const gpus = job.resources.gpus ?? 0;
    const plainId = this.#isPlainId(job);
    const head = `\t@set -- ${this.#nodeWords(job, outputs, plainId)} --config ${config.head}`;
    const middle = `}'${this.#upstreamText(job, plainId)}${gpus > 0 ? ` --gpus ${gpus}` : ''}${job.redo ? ' --redo' : ''} -- `;
    this.#noteFrame(job, parts, head, middle);
    return head + config.ownBody + middle + command + RECIPE_END;
  }

  /**
   * Keeps the frame of this job's recipe (all but its own config body and its command)
   * for the jobs after it. The frame of a job is a function of what {@link #continues}
   * compares and of the variables defined so far; a repeated text becomes a variable at
   * its second use and stays one, so once two jobs in a row have the same frame, every
   * later job of the run has it too (with default outputs: otherwise the frame names
   * the job). Then {@link recipe} writes only the body and the command.
   */
  #noteFrame(job: Job, parts: ConfigParts, head: string, middle: string): void {
    const run = this.#run;
    if (run !== undefined && this.#continues(run, job, parts) && run.head === head && run.middle === middle) {
      run.stable = job.defaultOutputs;
      run.lastPieces = this.#lastCommandPieces;
      return;
    }
    this.#run = {
      node: job.node,
      preds: job.predecessors,
      redo: job.redo,
      inherited: parts.inherited,
      ownEmpty: parts.own === '',
      head,
      middle,
      stable: false,
      set: this.#frameTextOf(head.slice(1)),
      lastPieces: this.#lastCommandPieces,
      command: undefined,
    };
  }

  /** Whether a job has what decides the frame of a run: its node, predecessors, redo, inherited members and whether it has own ones. */
  #continues(run: FrameRun, job: Job, parts: ConfigParts): boolean {
    return (
      run.node === job.node &&
      run.preds === job.predecessors &&
      run.redo === job.redo &&
      run.inherited === parts.inherited &&
      run.ownEmpty === (parts.own === '')
    );
  }

  /**
   * `--dir $(@D) --id $(notdir $(@D)) --fp <fingerprint> [--output <path>]... --workdir <dir>`:
   * the same for every job of a node whose id is a bare word (the last segment of its dir)
   * and whose outputs are the default paths, so from its second such job on a variable
   * `GWC_JOB_<n>` holds them (unless they hold a `#`, which would start a comment in the
   * variable's definition).
   */
  #nodeWords(job: Job, outputs: string, plainId: boolean): string {
    const fingerprint = this.#fingerprintWord(job.fingerprint);
    if (!job.defaultOutputs || !plainId) return this.#nodeWordsText(plainId ? job.id : recipeWord(job.id), fingerprint, outputs);
    let shared = this.#sharedNodeWords.get(job.node);
    if (shared === undefined) {
      const text = this.#nodeWordsText(JOB_ID_REF, fingerprint, outputs);
      // Nodes with the same command and output names have the same words: one variable serves them all.
      let words = this.#nodeWordsByText.get(text);
      if (words === undefined) this.#nodeWordsByText.set(text, (words = { text, uses: 0 }));
      shared = { fingerprint, outputs, words, shareable: !text.includes('#') };
      this.#sharedNodeWords.set(job.node, shared);
    }
    // Shared while the words are the node's first job's (always: a node has one fingerprint, its default outputs one text).
    if (shared.fingerprint !== fingerprint || shared.outputs !== outputs) return this.#nodeWordsText(job.id, fingerprint, outputs);
    return shared.shareable ? this.repeat(shared.words, 'GWC_JOB') : shared.words.text;
  }

  #nodeWordsText(idWord: string, fingerprint: string, outputs: string): string {
    return `--dir ${JOB_DIR_REF} --id ${idWord} --fp ${fingerprint}${outputs}${this.#workdirWords}`;
  }

  /**
   * The command as one recipe word with its paths shortened; undefined when it holds a
   * line break or NUL. The quoted body of a text is the concatenation of its pieces'
   * bodies, and a make-safe path holds no blank, so no path spans two pieces (each
   * starts with one): the word is built from per-piece text, remembered for the pieces
   * that do not name a job dir of the folder this job's dir is in.
   */
  #commandWord(job: Job): string | undefined {
    const pieces = job.commandPieces;
    this.#lastCommandPieces = pieces;
    if (pieces.length === 1 && typeof pieces[0] === 'string') {
      const command = pieces[0];
      const traits = wordTraits(command);
      return traits & UNQUOTABLE_IN_LINE ? undefined : this.#shortenPaths(recipeWordWithTraits(command, traits), job.dir);
    }
    const remembered = this.#piecesOf(job);
    // Consecutive jobs of a node share most pieces (the same strings): their bodies are taken from the last job's.
    const { lastPieces, lastBodies } = remembered;
    let body = '';
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as CommandPiece;
      let text = lastPieces[i] === piece ? lastBodies[i] : undefined;
      if (text === undefined) {
        text = this.#bodyOf(piece, remembered, job);
        if (text === undefined) {
          remembered.lastPieces = [];
          return undefined;
        }
        lastBodies[i] = typeof piece === 'string' && !remembered.bodies.has(piece) ? undefined : text;
      }
      body += text;
    }
    remembered.lastPieces = pieces;
    return `'${body}'`;
  }

  /** The quoted body of a text piece of a job's command, remembered unless it names a job dir of the folder; undefined when it cannot be on one line. */
  #pieceBody(piece: string, remembered: FolderPieces, job: Job): string | undefined {
    let text = remembered.bodies.get(piece);
    if (text !== undefined) return text;
    const traits = wordTraits(piece);
    if (traits & UNQUOTABLE_IN_LINE) return undefined;
    const quoted = recipeQuotedBody(piece, traits);
    if (quoted.includes(remembered.folder)) return this.#shortenPaths(quoted, job.dir);
    text = this.#shortenRoot(quoted);
    if (remembered.bodies.size < REMEMBERED_PIECES) remembered.bodies.set(piece, text);
    return text;
  }

  /** The quoted body of a piece around the job dir, the dir spelled `$(@D)`; undefined when it cannot be on one line. */
  #dirPieceBody(piece: JobDirPiece): string | undefined {
    if (!this.#dirPieceBodies.has(piece)) {
      const [before, after] = [wordTraits(piece.before), wordTraits(piece.after)];
      const quotable = ((before | after) & UNQUOTABLE_IN_LINE) === 0;
      const body = this.#shortenRoot(recipeQuotedBody(piece.before, before)) + JOB_DIR_REF + this.#shortenRoot(recipeQuotedBody(piece.after, after));
      this.#dirPieceBodies.set(piece, quotable ? body : undefined);
    }
    return this.#dirPieceBodies.get(piece);
  }

  /** The remembered piece bodies for a job's node, whose job dirs are in one folder (jobs come in runs of one node). */
  #piecesOf(job: Job): FolderPieces {
    const last = this.#lastFolder;
    if (last !== undefined && last.node === job.node) return last;
    let pieces = this.#folderPieces.get(job.node);
    if (pieces === undefined) {
      const folder = job.dir.slice(0, job.dir.lastIndexOf('/') + 1);
      const underRoot = folder.startsWith(this.#root.rootSlash);
      const holdsWorkdir = this.#graph.workdir.startsWith(folder);
      this.#folderPieces.set(job.node, (pieces = { node: job.node, folder, underRoot, holdsWorkdir, bodies: new Map(), lastPieces: [], lastBodies: [] }));
    }
    this.#lastFolder = pieces;
    return pieces;
  }

  /**
   * Lines `GWC_UP_<n> = <text>`, `GWC_CFG_<n> = <text>` (and the rule's own, see {@link repeat}) that
   * recipes written since the last call refer to; they go before the rule. A recursive variable, so `$(@D)` in it is the job's dir.
   */
  takeDefinitions(): string {
    const definitions = this.#definitions;
    this.#definitions = '';
    return definitions;
  }

  /**
   * The job's `--see-also` and `--link` words; `plainId`: its id is a bare shell word.
   * With one predecessor they are the same for every job under it but for the job's
   * id in its succ link, which a bare link spells `$(notdir $(@D))`: then one variable
   * holds them all.
   */
  #upstreamText(job: Job, plainId: boolean): string {
    const preds = job.predecessors;
    const seeAlso = this.#seeAlsoText(job.ancestors);
    const links = this.#options.enableLinks;
    if (preds.length !== 1) return seeAlso + (links ? this.#linkText(job) : '');
    const under = this.#under(job, preds[0] as Job);
    const pieces = links ? this.#linkPieces(job, under) : undefined;
    const sharedSucc = pieces !== undefined && plainId ? pieces.sharedSucc : undefined;
    const perJob = pieces !== undefined && sharedSucc === undefined ? this.#succLink(job, pieces, plainId) : '';
    if (under.seeAlso === undefined) {
      under.seeAlso = seeAlso;
      under.sharedSucc = sharedSucc;
      const words = seeAlso + (pieces?.predLink ?? '') + (sharedSucc ?? '');
      // Every piece starts with a blank, which the shared text leaves out.
      if (words !== '') under.words = { text: words.slice(1), uses: 0 };
    }
    // Shared only while the pieces are the ones the first job had (always, from the graph builder).
    if (under.seeAlso !== seeAlso || under.sharedSucc !== sharedSucc) {
      return seeAlso + (pieces ? pieces.predLink + this.#succLink(job, pieces, plainId) : '');
    }
    return (under.words ? ` ${this.repeat(under.words, 'GWC_UP')}` : '') + perJob;
  }

  /** What the node's jobs under `pred` share, made on the first such job. */
  #under(job: Job, pred: Job): UnderUpstream {
    // Jobs come in runs under one upstream job.
    const last = this.#lastUnder;
    if (last !== undefined && last.pred === pred && last.node === job.node) return last;
    let byPred = this.#underUpstream.get(job.node);
    if (byPred === undefined) this.#underUpstream.set(job.node, (byPred = new Map()));
    let under = byPred.get(pred);
    if (under === undefined) byPred.set(pred, (under = { pred, node: job.node }));
    this.#lastUnder = under;
    return under;
  }

  /** The text at its first use; from the second on a variable named `<stem>_<n>`, defined now. */
  repeat(repeated: RepeatedText, stem: string): string {
    repeated.uses += 1;
    if (repeated.uses === 1) return repeated.text;
    if (repeated.reference === undefined) {
      const name = `${stem}_${++this.#variables}`;
      this.#definitions += `${name} = ${repeated.text}\n`;
      repeated.reference = `$(${name})`;
    }
    return repeated.reference;
  }

  /**
   * A quoted word with the job dir spelled `$(@D)` and other paths under the root
   * `$(ROOT)/...`. Make expands both before the shell reads the line, and both expand
   * to text with no quote or `$` (make-safe paths), so any place the text stands in the
   * word, quoted or not, reads the same; every literal `$` in the word is already `$$`.
   */
  #shortenPaths(word: string, jobDir: string): string {
    // split and join: measured faster than replaceAll for these short words.
    return this.#shortenRoot(word.split(jobDir).join(JOB_DIR_REF));
  }

  /** Paths under the root spelled `$(ROOT)/...` (see {@link #shortenPaths}). */
  #shortenRoot(text: string): string {
    const { rootPrefix, rootSlash } = this.#root;
    return rootPrefix === '' ? text : text.split(rootSlash).join(`${ROOT_REF}/`);
  }

  /**
   * The `--config` word, `'{<inherited>, <own>}'` quoted for the recipe, in two parts
   * (up to the own body, and the own body); undefined when
   * a part holds a line break or NUL. From the second job with the same inherited
   * members on, a variable `GWC_CFG_<n>` holds them (unless they hold a `#`, which
   * would start a comment in a variable's definition).
   */
  #configWord(parts: ConfigParts): { readonly head: string; readonly ownBody: string } | undefined {
    const { inherited, own } = parts;
    const ownBody = this.#ownBody(own);
    if (ownBody === null) return undefined;
    const body = this.#inheritedBody(inherited);
    if (body === null) return undefined;
    const shared = body.shareable ? this.repeat(body, 'GWC_CFG') : body.text;
    const separator = inherited !== '' && own !== '' ? ', ' : '';
    // The word is head + ownBody + `}'`.
    return { head: `'{${shared}${separator}`, ownBody };
  }

  /**
   * The quoted body of a job's own config members; null when they cannot be on one line.
   * Remembered by text: jobs with the same values share one text (the graph's memo), so
   * most jobs find theirs without a scan.
   */
  #ownBody(own: string): string | null {
    let body = this.#ownBodies.get(own);
    if (body === undefined) {
      const traits = wordTraits(own);
      body = traits & UNQUOTABLE_IN_LINE ? null : recipeQuotedBody(own, traits);
      if (this.#ownBodies.size >= REMEMBERED_PIECES) this.#ownBodies.clear();
      this.#ownBodies.set(own, body);
    }
    return body;
  }

  /** The quoted inherited members, made once per text (jobs come in runs that share it); null when they cannot be on one line. */
  #inheritedBody(inherited: string): InheritedBody | null {
    if (inherited === this.#lastInherited) return this.#lastInheritedBody;
    let body = this.#inherited.get(inherited);
    if (body === undefined) {
      const traits = wordTraits(inherited);
      const text = recipeQuotedBody(inherited, traits);
      // A `#` would start a comment in a variable's definition.
      body = traits & UNQUOTABLE_IN_LINE ? null : { text, uses: 0, shareable: inherited !== '' && !text.includes('#') };
      this.#inherited.set(inherited, body);
    }
    this.#lastInherited = inherited;
    this.#lastInheritedBody = body;
    return body;
  }

  /**
   * Whether the job's id is a bare shell word. An id is its node's process prefix plus
   * hash digits (0-9, a-z), so the ids of one node are all bare or none is: the first
   * job of each node answers for the rest (jobs come in runs of one node).
   */
  #isPlainId(job: Job): boolean {
    if (job.node !== this.#lastIdNode) {
      this.#lastIdNode = job.node;
      this.#lastIdPlain = recipeWord(job.id) === job.id;
    }
    return this.#lastIdPlain;
  }

  /** Jobs of one node share their fingerprint, and come in runs of one node. */
  #fingerprintWord(fingerprint: string): string {
    if (fingerprint !== this.#lastFingerprint) {
      this.#lastFingerprint = fingerprint;
      this.#lastFingerprintWord = recipeWord(fingerprint);
    }
    return this.#lastFingerprintWord;
  }

  /** ` --output <path>` per output in name order; undefined when a path has a line break. */
  #outputs(job: Job): string | undefined {
    if (!job.defaultOutputs) return this.#outputWords(job);
    // Default paths are the job dir plus the same suffix in every job, so their words are the same.
    if (!this.#defaultOutputWords.has(job.node)) this.#defaultOutputWords.set(job.node, this.#outputWords(job));
    return this.#defaultOutputWords.get(job.node);
  }

  #outputWords(job: Job): string | undefined {
    const names = this.#outputNames(job);
    let text = '';
    for (const name of names) {
      const path = job.outputPath(name);
      if (LINE_BREAK.test(path)) return undefined;
      text += ` --output ${runnerWord(path, job.dir, this.#root)}`;
    }
    return text;
  }

  /** A node's output names, sorted: every job of a node has the same. */
  #outputNames(job: Job): readonly string[] {
    let names = this.#outputNamesOf.get(job.node);
    if (names === undefined) this.#outputNamesOf.set(job.node, (names = Object.keys(job.outputs).sort()));
    return names;
  }

  #seeAlsoText(ancestors: readonly Job[]): string {
    if (ancestors.length === 0) return '';
    let text = this.#seeAlso.get(ancestors);
    if (text === undefined) {
      text = '';
      // Ancestor dirs are job dirs under the root, never inside this job's dir.
      for (const ancestor of ancestors) text += ` --see-also ${runnerWord(ancestor.dir, undefined, this.#root)}`;
      this.#seeAlso.set(ancestors, text);
    }
    return text;
  }

  #linkText(job: Job): string {
    let text = '';
    for (const pred of job.predecessors) {
      const pieces = this.#linkPieces(job, this.#under(job, pred));
      text += pieces.predLink + this.#succLink(job, pieces, false);
    }
    return text;
  }

  #succLink(job: Job, pieces: LinkPieces, plainId: boolean): string {
    const word = pieces.succPath + job.id + pieces.succTarget + job.id;
    return ` --link ${ROOT_REF}${plainId && pieces.sharedSucc !== undefined ? word : recipeWord(word)}`;
  }

  #linkPieces(job: Job, under: UnderUpstream): LinkPieces {
    let pieces = under.links;
    if (pieces === undefined) {
      const pred = under.pred;
      const predFolder = `${job.dir}/.pred/${pred.node}`;
      const succFolder = `${pred.dir}/.succ/${job.node}`;
      const nodeFolder = job.dir.slice(0, job.dir.length - job.id.length - 1);
      // Every job dir lies under the root (#covers checked this job's; the builder makes them all so).
      const succPath = `${succFolder.slice(this.#root.rootPrefix.length)}/`;
      const succTarget = `=${relativeTo(succFolder, nodeFolder)}/`;
      // Bare words joined are bare (succPath starts with '/', so no assignment either).
      const plain = wordTraits(succPath + succTarget) === 0 && succPath.startsWith('/');
      pieces = {
        predLink: ` --link ${runnerWord(`${predFolder}/${pred.id}=${relativeTo(predFolder, pred.dir)}`, job.dir, this.#root)}`,
        succPath,
        succTarget,
        sharedSucc: plain ? ` --link ${ROOT_REF}${succPath}${JOB_ID_REF}${succTarget}${JOB_ID_REF}` : undefined,
      };
      under.links = pieces;
    }
    return pieces;
  }
}
