import { readFileSync, readdirSync } from 'node:fs';
import Handlebars from 'handlebars';

/** The project's templates/ directory (compiled code lives in dist/src/targets/shared/). */
export const TEMPLATES_DIR = new URL('../../../../templates/', import.meta.url);

/** Compile options every target uses: no HTML escaping (it corrupts `&&`, `<`, `>`), typos are errors. */
export const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  preventIndent: true,
  knownHelpersOnly: true,
} as const;

/** The text of one file under templates/, e.g. `runtime/gwc-run.sh`. */
export function readTemplateFile(relativePath: string): string {
  return readFileSync(new URL(relativePath, TEMPLATES_DIR), 'utf8');
}

/** Renders the templates of one target folder (templates/<target>/<name>.hbs). */
export interface TemplateRenderer {
  render(name: string, view: object): string;
}

/**
 * A private Handlebars environment for one target: `templates/<target>/partials/*.hbs`
 * are registered by file name, templates are compiled on first use.
 */
export function createRenderer(target: string): TemplateRenderer {
  const env = Handlebars.create();
  for (const file of partialFiles(target)) {
    const source = readTemplateFile(`${target}/partials/${file}`);
    env.registerPartial(file.slice(0, -'.hbs'.length), env.compile(source, COMPILE_OPTIONS));
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return {
    render(name, view) {
      let template = compiled.get(name);
      if (!template) {
        template = env.compile(readTemplateFile(`${target}/${name}.hbs`), COMPILE_OPTIONS);
        compiled.set(name, template);
      }
      return template(view);
    },
  };
}

function partialFiles(target: string): string[] {
  try {
    return readdirSync(new URL(`${target}/partials/`, TEMPLATES_DIR))
      .filter((file) => file.endsWith('.hbs'))
      .sort();
  } catch {
    return [];
  }
}
