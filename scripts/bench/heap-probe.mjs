// Loaded into the recorder the bench watches (node --import): every second, the parts of its memory
// only the process itself can tell, V8's heap and the ArrayBuffers beside it, as a line of JSON in
// HEAP_PROBE_FILE. The bench reads the rest (anonymous and file-backed RSS) from /proc.
import { appendFileSync } from 'node:fs';

const file = process.env.HEAP_PROBE_FILE;
if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), heap: m.heapTotal, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers })}\n`);
  }, 1000).unref();
}
