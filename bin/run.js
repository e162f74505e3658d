#!/usr/bin/env -S node --max-semi-space-size=64
// A larger young generation: a scrape allocates ~100 MB of short-lived JSON per 1,000 nodes, and
// with the default semi-space too much of it is promoted and collected again (about 25% less CPU).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
