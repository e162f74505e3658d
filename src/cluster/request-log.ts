import type { IncomingMessage } from 'node:http';

/**
 * kubectl's `-v`: from 6 every API request is logged as kubectl logs it (klog's header, then
 * method, URL, status and time), from 8 with the size of each response. The URL is the path and
 * query only, on the server's origin: credentials travel in headers, never in what is logged. The
 * status text is the response's own, as Go's resp.Status that kubectl logs; node:http is not loaded
 * for a table of them, as every command imports this module (~7 ms of an archived command's start).
 */
let level = 0;
let write: (line: string) => unknown = (line) => process.stderr.write(line);

export function setRequestLog(verbosity: number, to?: (line: string) => unknown): void {
  level = verbosity;
  if (to) write = to;
}

/** Starts timing one request; what it returns logs the response when its headers, then its body, arrive. */
export function requestLogger(url: URL): ((res: IncomingMessage) => void) | undefined {
  if (level < 6) return undefined;
  const start = process.hrtime.bigint();
  const shown = `${url.origin}${url.pathname}${url.search}`;
  return (res) => {
    const ms = Number((process.hrtime.bigint() - start) / 1_000_000n);
    const status = res.statusCode ?? 0;
    write(klog(`GET ${shown} ${status} ${res.statusMessage ?? ''} in ${ms} milliseconds`));
    if (level < 8) return;
    let bytes = 0;
    res.on('data', (c: Buffer | string) => (bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.length));
    res.on('end', () => {
      const encoding = res.headers['content-encoding'];
      write(klog(`Response Body: ${bytes} bytes${encoding ? ` (${encoding} on the wire)` : ''}, ${res.headers['content-type'] ?? 'no content type'}`));
    });
  };
}

/** klog's header: severity, MMDD, local time to the microsecond, the process id, the source. */
function klog(message: string): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getMilliseconds() * 1000).padStart(6, '0');
  const time = `${two(d.getMonth() + 1)}${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${micros}`;
  return `I${time} ${String(process.pid).padStart(7)} api-client.ts] ${message}\n`;
}
