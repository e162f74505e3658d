#!/usr/bin/env node
// kubectl_complete-heapster: kubectl (1.26+) runs it from PATH to complete `kubectl heapster ...`.
// It reads the committed command manifest rather than starting oclif, so a TAB answers at once.
import { readFileSync } from 'node:fs';
import { complete, kubectlNames } from '../dist/cli/complete.js';

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
const { choices, directive } = await complete(process.argv.slice(2), manifest, kubectlNames);
process.stdout.write(`${[...choices, `:${directive}`].join('\n')}\n`);
