/**
 * Redraws a frame in place as `watch` does: on a terminal, in its alternate screen (what was on
 * the screen before comes back on exit, Ctrl-C included); elsewhere, frames one after another.
 */
export async function watchFrames(frame: () => Promise<string>, everyMs: number, out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const tty = !!out.isTTY;
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const restore = () => tty && out.write('\x1b[?25h\x1b[?1049l');
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (tty) out.write('\x1b[?1049h\x1b[?25l');
  try {
    let first = true;
    while (!stopped) {
      const started = Date.now();
      const text = await frame();
      if (stopped) break;
      out.write(tty ? `\x1b[H\x1b[2J${text}` : `${first ? '' : '\n'}${text}`);
      first = false;
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, Math.max(0, everyMs - (Date.now() - started)));
      });
    }
  } finally {
    restore();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}
