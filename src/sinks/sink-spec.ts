import { usageError } from '../model/index.js';

/** `--sink-credentials`: per sink (`influxdb`, or `influxdb:HOST:PORT`), options kept off the command line (`user`, `pw`, `bearer_token`). */
export type SinkCredentials = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** `--sink NAME:URL?OPTIONS` as Heapster spelled it, with what the sink was built from. */
export interface SinkSpec {
  name: string;
  url: URL;
  options: URLSearchParams;
  /** the spec without user information or secret options: what messages and the archive may show */
  shown: string;
}

export const SINK_NAMES = ['influxdb', 'prometheus', 'graphite', 'opentsdb'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/**
 * Parses a sink as Heapster did: the name before the first `:`, the rest a URL whose query holds
 * the options. Credentials may come from `credentials` (the file of `--sink-credentials`) instead
 * of the command line; neither ever appears in what the spec shows.
 */
export function parseSinkSpec(text: string, credentials: SinkCredentials = {}): SinkSpec {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (!name) throw usageError(`--sink "${redact(text)}" has no sink name`, `use NAME:URL, NAME one of ${SINK_NAMES.join(', ')}`);
  if (!(SINK_NAMES as readonly string[]).includes(name)) {
    const later = ['kafka', 'elasticsearch'].includes(name) ? `; Heapster's ${name} shapes are export formats: kubectl heapster export --format ${name === 'kafka' ? 'kafka-json' : 'elasticsearch-bulk'}` : '';
    throw usageError(`unknown sink "${name}"`, `use one of ${SINK_NAMES.join(', ')}${later}`);
  }
  let url: URL;
  try {
    // Heapster's kafka-style "NAME:?opts" has no host: a placeholder keeps URL parsing uniform
    url = new URL(rest.startsWith('?') || rest === '' ? `none://${rest}` : rest);
  } catch {
    throw usageError(`--sink ${name}: "${redact(rest)}" is not a URL`, `e.g. ${example(name as SinkName)}`);
  }
  const options = new URLSearchParams(url.search);
  // the most specific entry wins: NAME:HOST:PORT, then NAME
  for (const [k, v] of Object.entries(credentials[`${name}:${url.host}`] ?? credentials[name] ?? {})) if (!options.has(k)) options.set(k, v);
  if (url.username && !options.has('user')) options.set('user', decodeURIComponent(url.username));
  if (url.password && !options.has('pw')) options.set('pw', decodeURIComponent(url.password));
  return { name, url, options, shown: `${name}:${redact(rest)}` };
}

/** A sink URL with user information and secret options masked. */
export function redact(text: string): string {
  return text.replace(/\/\/[^/@?#]*@/, '//***@').replace(/([?&](?:pw|password|token|bearer_token)=)[^&#]*/gi, '$1***');
}

export function example(name: SinkName): string {
  switch (name) {
    case 'influxdb': return 'influxdb:http://127.0.0.1:8086?db=k8s';
    case 'prometheus': return 'prometheus:http://127.0.0.1:9090/api/v1/write';
    case 'graphite': return 'graphite:tcp://127.0.0.1:2003?prefix=kubernetes';
    case 'opentsdb': return 'opentsdb:http://127.0.0.1:4242?cluster=k8s-cluster';
  }
}

/** Heapster's booleans: Go's strconv.ParseBool. */
export function boolOption(spec: SinkSpec, key: string, fallback: boolean): boolean {
  const v = spec.options.get(key);
  if (v === null) return fallback;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw usageError(`--sink ${spec.shown}: ${key}=${v} is not a boolean`, 'use true or false');
}
