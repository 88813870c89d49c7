import type { Job } from '../../graph/job-graph.js';
import { relativeTo } from '../../graph/job.js';
import { MARKER_NAME, runnerArgs } from '../shared/runtime.js';
import { WORD_DOLLAR, WORD_LINE_BREAK, WORD_NUL, WORD_SINGLE_QUOTE, wordTraits } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import type { JobGraph } from '../../graph/job-graph.js';
import { RECIPE_CONTROL_PRELUDE, recipeWord, recipeWordWithTraits } from './escape.js';

/** `$(ROOT)`: paths under the root are written through it. */
export const ROOT_REF = '$(ROOT)';
/** Make's directory of the rule's target: the job dir, since the target is `<dir>/.gwc-done`. */
export const JOB_DIR_REF = '$(@D)';

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

function isMarkerOf(marker: string, dir: string): boolean {
  return marker.length === dir.length + 1 + MARKER_NAME.length && marker.startsWith(dir) && marker.endsWith(`/${MARKER_NAME}`);
}

/**
 * The recipe line of one job, quoted word by word from the runner's argv:
 * `@set -- <runner args>; $(GWC_RUN)`. This is the definition {@link RecipeWriter} follows.
 */
export function wordByWordRecipe(job: Job, graph: JobGraph, options: TargetOptions, root: RootPaths): string {
  const args = runnerArgs(job, graph, options);
  const separator = args.indexOf('--');
  // `$(@D)` is the job dir only when the target is the usual `<dir>/.gwc-done`.
  const jobDir = isMarkerOf(job.marker, job.dir) ? job.dir : undefined;
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
 * What the jobs under one upstream job share in one node: their `--see-also` words and
 * their `.pred/` link. From the second such job on, a make variable holds the text.
 */
interface SharedUpstream {
  readonly seeAlso: string;
  readonly predLink: string;
  /** `$(GWC_UP_<n>)` once defined. */
  reference?: string;
}

/** Inherited config members as the inside of a quoted recipe word; undefined when they cannot be. */
interface InheritedConfig {
  readonly body: string | undefined;
  uses: number;
  /** `$(GWC_CFG_<n>)` once defined. */
  reference?: string;
}

/** Traits that keep a text out of a single-quoted word on one recipe line. */
const UNQUOTABLE_IN_LINE = WORD_LINE_BREAK | WORD_NUL;

/**
 * The inside of a single-quoted shell word in a recipe: `'` spelled `'\''`, `$` doubled
 * for make. Both are per character, so the body of a concatenation is the concatenation
 * of the bodies.
 */
function singleQuotedBody(text: string, traits: number): string {
  const quoted = traits & WORD_SINGLE_QUOTE ? text.replaceAll("'", "'\\''") : text;
  return traits & WORD_DOLLAR ? quoted.replaceAll('$', '$$$$') : quoted;
}

/** The two `--link` words a job gets per predecessor, less what names the job itself. */
interface LinkPieces {
  /** `--link $(@D)/.pred/<node>/<id>=<target>`: the same for every job of one node. */
  readonly predLink: string;
  /** The succ link's path after `$(ROOT)`, up to the job's id. */
  readonly succPath: string;
  /** `=` and the succ link's target up to the job's id. */
  readonly succTarget: string;
}

/**
 * Recipe lines built from pieces cached per upstream job. In a sweep most of a recipe
 * repeats for every job under one upstream job (its ancestors' dirs, its links), so a
 * million-job Makefile quotes those once per upstream job instead of once per job.
 * The text is byte for byte {@link wordByWordRecipe}'s, which still writes the rare
 * recipes the pieces do not cover (values with line breaks need a shell prelude).
 *
 * Links assume what the graph builder guarantees: a job dir is its node's folder plus
 * its id, so every job of a node sits at the same depth.
 */
export class RecipeWriter {
  readonly #graph: JobGraph;
  readonly #options: TargetOptions;
  readonly #root: RootPaths;
  /** A job's `ancestors` array → its ` --see-also …` text (jobs with one predecessor share the array). */
  readonly #seeAlso = new Map<readonly Job[], string>();
  /** Node name → upstream job → the link pieces of that node's jobs under it. */
  readonly #links = new Map<string, Map<Job, LinkPieces>>();
  /** Node name → upstream job → what that node's jobs under it share. */
  readonly #shared = new Map<string, Map<Job, SharedUpstream>>();
  /** Inherited config members → their quoted text, and the variable that holds it once shared. */
  readonly #inherited = new Map<string, InheritedConfig>();
  /** Variable definitions made since the last {@link takeDefinitions}. */
  #definitions = '';
  #variables = 0;
  /** ` --workdir <dir> --`, the same for every job. */
  readonly #tail: string;
  readonly #workdirHasLineBreak: boolean;
  #lastFingerprint = '';
  #lastFingerprintWord = "''";

  constructor(graph: JobGraph, options: TargetOptions, root: RootPaths) {
    this.#graph = graph;
    this.#options = options;
    this.#root = root;
    this.#tail = ` --workdir ${runnerWord(graph.workdir, undefined, root)} --`;
    this.#workdirHasLineBreak = LINE_BREAK.test(graph.workdir);
  }

  /** Whether the cached pieces give this job's recipe; the rest is written word by word. */
  #covers(job: Job, marker: string, commandTraits: number): boolean {
    return (
      !this.#workdirHasLineBreak &&
      (commandTraits & WORD_LINE_BREAK) === 0 &&
      isMarkerOf(marker, job.dir) &&
      // The workdir is written through $(@D) when it lies in the job dir.
      !this.#graph.workdir.startsWith(job.dir) &&
      job.dir.startsWith(this.#root.rootSlash)
    );
  }

  /** The recipe line of a job whose done marker is `marker` (its rule's target). */
  recipe(job: Job, marker: string = job.marker): string {
    const command = job.command;
    const commandTraits = wordTraits(command);
    if (!this.#covers(job, marker, commandTraits)) return wordByWordRecipe(job, this.#graph, this.#options, this.#root);
    const config = this.#configWord(job.configParts);
    const outputs = this.#outputs(job);
    if (config === undefined || outputs === undefined) return wordByWordRecipe(job, this.#graph, this.#options, this.#root);
    const gpus = job.resources.gpus ?? 0;
    return (
      `\t@set -- --dir ${JOB_DIR_REF} --id ${recipeWord(job.id)} --fp ${this.#fingerprintWord(job.fingerprint)}` +
      ` --config ${config}` +
      outputs +
      this.#upstreamText(job) +
      (gpus > 0 ? ` --gpus ${gpus}` : '') +
      (job.redo ? ' --redo' : '') +
      `${this.#tail} ${this.#shortenPaths(recipeWordWithTraits(command, commandTraits), job.dir)}; $(GWC_RUN)\n`
    );
  }

  /**
   * Lines `GWC_UP_<n> = <text>` and `GWC_CFG_<n> = <text>` that recipes written since the last call refer to;
   * they go before the rule. A recursive variable, so `$(@D)` in it is the job's dir.
   */
  takeDefinitions(): string {
    const definitions = this.#definitions;
    this.#definitions = '';
    return definitions;
  }

  /** The job's `--see-also` and `--link` words. */
  #upstreamText(job: Job): string {
    const preds = job.predecessors;
    const seeAlso = this.#seeAlsoText(job.ancestors);
    const links = this.#options.enableLinks;
    if (preds.length !== 1) return seeAlso + (links ? this.#linkText(job) : '');
    const pred = preds[0] as Job;
    const pieces = links ? this.#linkPieces(job, pred) : undefined;
    const predLink = pieces?.predLink ?? '';
    const shared = this.#sharedUpstream(job.node, pred, seeAlso, predLink);
    const succLink = pieces ? this.#succLink(job, pieces) : '';
    return (shared ?? seeAlso + predLink) + succLink;
  }

  /**
   * ` $(GWC_UP_<n>)` when an earlier job of the node under the same upstream job had the
   * same text (the variable is defined now for the second one); undefined for the first.
   */
  #sharedUpstream(node: string, pred: Job, seeAlso: string, predLink: string): string | undefined {
    if (seeAlso === '' && predLink === '') return undefined;
    let byPred = this.#shared.get(node);
    if (byPred === undefined) this.#shared.set(node, (byPred = new Map()));
    const entry = byPred.get(pred);
    if (entry === undefined) {
      byPred.set(pred, { seeAlso, predLink });
      return undefined;
    }
    if (entry.seeAlso !== seeAlso || entry.predLink !== predLink) return undefined;
    if (entry.reference === undefined) {
      const name = `GWC_UP_${++this.#variables}`;
      // The text starts with a blank, which the definition drops.
      this.#definitions += `${name} =${seeAlso}${predLink}\n`;
      entry.reference = ` $(${name})`;
    }
    return entry.reference;
  }

  /**
   * A quoted word with the job dir spelled `$(@D)` and other paths under the root
   * `$(ROOT)/...`. Make expands both before the shell reads the line, and both expand
   * to text with no quote or `$` (make-safe paths), so any place the text stands in the
   * word, quoted or not, reads the same; every literal `$` in the word is already `$$`.
   */
  #shortenPaths(word: string, jobDir: string): string {
    // split and join: measured faster than replaceAll for these short words.
    const short = word.split(jobDir).join(JOB_DIR_REF);
    const { rootPrefix, rootSlash } = this.#root;
    return rootPrefix === '' ? short : short.split(rootSlash).join(`${ROOT_REF}/`);
  }

  /**
   * The `--config` word, `'{<inherited>, <own>}'` quoted for the recipe; undefined when
   * a part holds a line break or NUL. From the second job with the same inherited
   * members on, a variable `GWC_CFG_<n>` holds them (unless they hold a `#`, which
   * would start a comment in a variable's definition).
   */
  #configWord(parts: { readonly inherited: string; readonly own: string }): string | undefined {
    const { inherited, own } = parts;
    const ownTraits = wordTraits(own);
    if (ownTraits & UNQUOTABLE_IN_LINE) return undefined;
    let entry = this.#inherited.get(inherited);
    if (entry === undefined) {
      const traits = wordTraits(inherited);
      entry = traits & UNQUOTABLE_IN_LINE ? { body: undefined, uses: 0 } : { body: singleQuotedBody(inherited, traits), uses: 0 };
      this.#inherited.set(inherited, entry);
    }
    const body = entry.body;
    if (body === undefined) return undefined;
    entry.uses += 1;
    let shared = body;
    if (entry.uses > 1 && inherited !== '' && !body.includes('#')) {
      if (entry.reference === undefined) {
        const name = `GWC_CFG_${++this.#variables}`;
        this.#definitions += `${name} = ${body}\n`;
        entry.reference = `$(${name})`;
      }
      shared = entry.reference;
    }
    const separator = inherited !== '' && own !== '' ? ', ' : '';
    return `'{${shared}${separator}${singleQuotedBody(own, ownTraits)}}'`;
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
    const outputs = job.outputs;
    const names = Object.keys(outputs);
    if (names.length > 1) names.sort();
    let text = '';
    for (const name of names) {
      const path = outputs[name] as string;
      if (LINE_BREAK.test(path)) return undefined;
      text += ` --output ${runnerWord(path, job.dir, this.#root)}`;
    }
    return text;
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
      const pieces = this.#linkPieces(job, pred);
      text += pieces.predLink + this.#succLink(job, pieces);
    }
    return text;
  }

  #succLink(job: Job, pieces: LinkPieces): string {
    return ` --link ${ROOT_REF}${recipeWord(pieces.succPath + job.id + pieces.succTarget + job.id)}`;
  }

  #linkPieces(job: Job, pred: Job): LinkPieces {
    let byPred = this.#links.get(job.node);
    if (byPred === undefined) this.#links.set(job.node, (byPred = new Map()));
    let pieces = byPred.get(pred);
    if (pieces === undefined) {
      const predFolder = `${job.dir}/.pred/${pred.node}`;
      const succFolder = `${pred.dir}/.succ/${job.node}`;
      const nodeFolder = job.dir.slice(0, job.dir.length - job.id.length - 1);
      // Every job dir lies under the root (#covers checked this job's; the builder makes them all so).
      pieces = {
        predLink: ` --link ${runnerWord(`${predFolder}/${pred.id}=${relativeTo(predFolder, pred.dir)}`, job.dir, this.#root)}`,
        succPath: `${succFolder.slice(this.#root.rootPrefix.length)}/`,
        succTarget: `=${relativeTo(succFolder, nodeFolder)}/`,
      };
      byPred.set(pred, pieces);
    }
    return pieces;
  }
}
