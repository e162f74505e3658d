import dgram from 'node:dgram';
import net from 'node:net';
import { PluginError, type Batch } from '../model/index.js';
import { graphiteBodies } from './graphite-line.js';
import type { SinkSpec } from './sink-spec.js';
import { SinkError, type Sink } from './sink.js';

/**
 * Graphite's plaintext protocol over TCP (writes of 10,000 lines on a kept connection) or UDP
 * (datagrams of whole lines), Heapster's `graphite:tcp://HOST:PORT?prefix=kubernetes`. A broken
 * connection is made again at the next send, where Heapster's went nil and crashed. Carbon keeps
 * the last value of a path and time, so a batch sent again after a failure part way stores no
 * duplicates.
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
    let sent = 0;
    if (this.udp) {
      const sock = dgram.createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
      try {
        for (const { body, lines } of graphiteBodies(batch, this.prefix, { bytes: DATAGRAM_BYTES })) {
          await new Promise<void>((resolve) => sock.send(body, this.port, this.host, () => resolve()));
          sent += lines;
        }
      } finally {
        sock.close();
      }
      return sent;
    }
    try {
      const s = await this.connect();
      // a write a body, each awaited: the batch is never one string, and the socket's buffer stays small
      for (const { body, lines } of graphiteBodies(batch, this.prefix, { lines: TCP_LINES })) {
        await new Promise<void>((resolve, reject) => s.write(body, (e) => (e ? reject(e) : resolve())));
        sent += lines;
      }
    } catch (e) {
      this.socket?.destroy();
      this.socket = undefined;
      throw new SinkError(`Graphite at ${this.host}:${this.port}: ${(e as Error).message}`, true);
    }
    return sent;
  }

  close(): void {
    this.socket?.end();
  }
}

/**
 * Payload that fits one Ethernet frame whole (1500 less IPv6 and UDP headers): never fragmented.
 * A datagram holds as many whole lines as fit. Heapster sent one datagram a line; carbon splits a
 * datagram at newlines, and a fifteenth of the datagrams is a fifteenth of the chances for a busy
 * receiver to drop one (UDP is never acknowledged, so a dropped line is lost).
 */
const DATAGRAM_BYTES = 1432;

/** Lines a TCP write: ~1 MB. */
const TCP_LINES = 10_000;
