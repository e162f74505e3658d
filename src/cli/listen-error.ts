import { PluginError, usageError } from '../model/index.js';

/** Why a server (serve's, the simulator's) could not listen, as one line saying what to change. */
export function listenError(e: unknown, address: string, port: number): unknown {
  if (e instanceof PluginError) return e;
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE': return usageError(`${address}:${port} is in use by another program`, 'pick another --port (0: any free port)');
    case 'EACCES': return usageError(`no permission to listen on ${address}:${port}`, 'use a --port above 1023');
    case 'EADDRNOTAVAIL': return usageError(`--address ${address} is not an address of this machine`, 'use 127.0.0.1, 0.0.0.0 or one of its addresses');
    case 'ENOTFOUND': return usageError(`--address ${address} is not a known host`, 'use an IP address such as 127.0.0.1');
    default: return e;
  }
}
