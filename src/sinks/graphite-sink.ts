import dgram from 'node:dgram';
import net from 'node:net';
import { PluginError, type Batch } from '../model/index.js';
import { graphiteLines } from './graphite-line.js';
import type { SinkSpec } from './sink-spec.js';
import { SinkError, type Sink } from './sink.js';

/**
 * Graphite's plaintext protocol over TCP (one write per batch on a kept connection) or UDP (a
 * datagram per line), Heapster's `graphite:tcp://HOST:PORT?prefix=kubernetes`. A broken
 * connection is made again at the next send, where Heapster's went nil and crashed.
 */
export class GraphiteSink implements Sink {
  readonly shown: string;
  private readonly host: string;
  private readonly port: number;
  private readonly udp: boolean;
  private readonly prefix: string;
  private socket: net.Socket | undefined;

  constructor(spec: SinkSpec, private readonly timeoutMs = 10_000) {
    this.shown = spec.shown;
    const scheme = spec.url.protocol.replace(/:$/, '');
    if (scheme !== 'tcp' && scheme !== 'udp') throw new PluginError('usage', `--sink ${spec.shown}: the scheme must be tcp or udp`, 'e.g. graphite:tcp://127.0.0.1:2003');
    this.udp = scheme === 'udp';
    this.host = spec.url.hostname || 'localhost';
    this.port = Number(spec.url.port || 2003);
    this.prefix = spec.options.get('prefix') || 'kubernetes';
  }

  private connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => s.destroy(new Error(`no connection within ${this.timeoutMs} ms`)), this.timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.on('error', () => s.destroy());
        this.socket = s;
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  async probe(): Promise<void> {
    if (this.udp) return;
    try {
      await this.connect();
    } catch (e) {
      throw new PluginError('config', `sink ${this.shown}: cannot connect to ${this.host}:${this.port}: ${(e as Error).message}`, 'check that carbon listens there (its line receiver, 2003 by default)');
    }
  }

  async send(batch: Batch): Promise<number> {
    const lines = graphiteLines(batch, this.prefix);
    if (this.udp) {
      const sock = dgram.createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
      try {
        for (const d of datagrams(lines)) await new Promise<void>((resolve) => sock.send(d, this.port, this.host, () => resolve()));
      } finally {
        sock.close();
      }
      return lines.length;
    }
    try {
      const s = await this.connect();
      await new Promise<void>((resolve, reject) => s.write(lines.map((l) => `${l}\n`).join(''), (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      this.socket?.destroy();
      this.socket = undefined;
      throw new SinkError(`Graphite at ${this.host}:${this.port}: ${(e as Error).message}`, true);
    }
    return lines.length;
  }

  close(): void {
    this.socket?.end();
  }
}

/** Payload that fits one Ethernet frame whole (1500 less IPv6 and UDP headers): never fragmented. */
const DATAGRAM_BYTES = 1432;

/**
 * Lines packed into datagrams of whole lines, as many as fit. Heapster sent one datagram a line;
 * carbon splits a datagram at newlines, and a fifteenth of the datagrams is a fifteenth of the
 * chances for a busy receiver to drop one (UDP is never acknowledged, so a dropped line is lost).
 */
function* datagrams(lines: readonly string[]): IterableIterator<string> {
  let d = '';
  for (const l of lines) {
    if (d && Buffer.byteLength(d) + Buffer.byteLength(l) + 1 > DATAGRAM_BYTES) {
      yield d;
      d = '';
    }
    d += `${l}\n`;
  }
  if (d) yield d;
}
