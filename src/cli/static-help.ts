import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * What bin/run.js prints without loading oclif: `--version`, or a help page (see staticHelp); undefined
 * for everything else, which goes to oclif. `root` is the plugin's folder. Nothing is read from disk
 * unless the arguments ask for one of these.
 */
export function fastAnswer(args: readonly string[], root: URL): string | undefined {
  if (args.length === 1 && args[0] === '--version') return `${userAgent(root)}\n`;
  return staticHelp(args, new URL('dist/', root), () => userAgent(root));
}

/** oclif's user agent, worked out the way oclif does: what `--version` prints and help pages show. */
function userAgent(root: URL): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; version: string };
  return `${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}`;
}

/**
 * The help page the arguments ask for, from dist/help.json (written by scripts/build-help.mjs: oclif's
 * own rendering of every page), or undefined to leave it to oclif. Loading oclif is most of a
 * start-up (~250 ms against ~100 here), and users compare `--help` with kubectl's. The page is only
 * printed where it is what oclif would print: the exact forms `--help`, `help [WORDS]`,
 * `WORDS --help` or no arguments; a page that exists; 80 columns or more (oclif wraps at the
 * terminal's width: in a wider terminal the page keeps 80, as kubectl's help does), and no
 * OCLIF_COLUMNS asking for another width. Colours follow the same library oclif asks.
 */
function staticHelp(args: readonly string[], dist: URL, agent: () => string): string | undefined {
  const key = pageKey(args);
  if (key === undefined || process.env.OCLIF_COLUMNS) return undefined;
  if (process.stdout.isTTY && (process.stdout.columns ?? 80) < 80) return undefined;
  let help: { userAgent: string; pages: Record<string, string> };
  try {
    help = JSON.parse(readFileSync(new URL('help.json', dist), 'utf8'));
  } catch {
    return undefined;
  }
  const page = help.pages[key];
  if (page === undefined) return undefined;
  // oclif colours a page when supports-color allows it on both streams and ansis has a colour level
  const oclif = createRequire(import.meta.resolve('@oclif/core'));
  const ansis = oclif('ansis') as { isSupported(): boolean; strip(s: string): string };
  const supports = oclif('supports-color') as { stdout: unknown; stderr: unknown };
  const text = page.split(help.userAgent).join(agent());
  return supports.stdout && supports.stderr && ansis.isSupported() ? text : ansis.strip(text);
}

/** `''` for the root page, `archive ls` for a command's; undefined for anything but a plain help request. */
function pageKey(args: readonly string[]): string | undefined {
  const words = (a: readonly string[]) => (a.every((w) => /^[a-z][a-z-]*$/.test(w)) ? a.join(' ') : undefined);
  if (args.length === 0) return '';
  // oclif answers `help --help` with the root page, not the help command's: left to oclif
  if (args[0] === 'help') return args.includes('--help') ? undefined : words(args.slice(1));
  if (args[args.length - 1] === '--help') return words(args.slice(0, -1));
  return undefined;
}
