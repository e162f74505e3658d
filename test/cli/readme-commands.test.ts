import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths.js';

test('README commands put kubectl flags after the plugin name, where kubectl lets a plugin have them', () => {
  // kubectl refuses `kubectl --context X heapster ...`: "flags cannot be placed before plugin name"
  // the lines of the README's code blocks
  const blocks = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split(/^```.*$/m).filter((_, i) => i % 2 === 1);
  const lines = blocks.flatMap((b) => b.split('\n')).map((l) => l.trim());
  // a command running the plugin: `heapster` as a word of it (comments left out)
  const plugin = lines.map((l) => l.replace(/\s+#.*$/, '')).filter((l) => /^kubectl\s(.*\s)?heapster(\s|$)/.test(l));
  assert.ok(plugin.length > 10, `${plugin.length} plugin commands found`);
  for (const l of plugin) assert.match(l, /^kubectl heapster /, l);
});

test.run();
