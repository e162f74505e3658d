#!/usr/bin/env node
// Part of `npm run build`, after the manifest: dist/help.json, every help page (the root, each topic,
// each command) as oclif renders it at 80 columns with colours, so that `--help` answers without
// loading oclif (most of a start-up: ~250 → ~100 ms). bin/run.js prints a page from it only where the
// result is the same as oclif's (see src/cli/static-help.ts); test/cli/static-help.test.ts compares every page.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// read by oclif's screen and by ansis when they load, so set before the import
process.env.OCLIF_COLUMNS = '80';
process.env.FORCE_COLOR = '1';
delete process.env.NO_COLOR;
const { Config, loadHelpClass } = await import('@oclif/core');
const config = await Config.load(ROOT);
const Help = await loadHelpClass(config);

async function render(argv) {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = (chunk) => ((out += chunk), true);
  try {
    await new Help(config).showHelp(argv);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

// not the help command's own page: oclif answers `help help` and `help --help` in ways of its own
const ids = [...config.commands.map((c) => c.id), ...config.topics.map((t) => t.name)].filter((id) => id !== 'help');
const pages = { '': await render([]) };
for (const id of [...new Set(ids)].sort()) pages[id.split(':').join(' ')] = await render(id.split(':'));
writeFileSync(path.join(ROOT, 'dist/help.json'), JSON.stringify({ userAgent: config.userAgent, pages }));
