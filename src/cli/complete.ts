import { execFile } from 'node:child_process';
import { METRIC_ALIASES, METRICS } from '../model/index.js';
import { NODE_WORDS, NS_WORDS, POD_WORDS } from '../query/index.js';

/**
 * Shell completion for `kubectl heapster ...`. kubectl (1.26 and later) runs the executable
 * `kubectl_complete-heapster` from PATH with the words typed after `heapster`, the last one the
 * word being completed (empty for a new one), and passes what it prints to the shell: one choice
 * per line (`choice\tdescription`), then `:N`, a Cobra directive.
 */
export interface Completion {
  choices: string[];
  directive: number;
}

/** Cobra's ShellCompDirective bits, as kubectl reads them. */
export const DIRECTIVE = { files: 0, noSpace: 2, noFiles: 4 } as const;

interface ManifestFlag { name: string; char?: string; type: 'boolean' | 'option'; options?: string[]; description?: string; hidden?: boolean }
interface ManifestCommand { summary?: string; description?: string; hidden?: boolean; args?: Record<string, unknown>; flags: Record<string, ManifestFlag> }
export interface Manifest { commands: Record<string, ManifestCommand> }

/** Names in the cluster, got with the user's own kubectl and the kubectl flags typed so far. */
export type ListNames = (resource: 'nodes' | 'namespaces' | 'pods', kubectlArgs: string[]) => Promise<string[]>;

/** Flags whose value is a path: the shell completes files for them. */
const FILE_FLAGS = new Set(['kubeconfig', 'archive', 'output', 'certificate-authority', 'client-certificate', 'client-key', 'kubeconfig-out']);
/** kubectl flags passed on to kubectl when names are looked up. */
const PASSED_ON = new Set(['kubeconfig', 'context', 'cluster', 'user', 'server', 'token', 'as', 'certificate-authority', 'client-certificate', 'client-key', 'tls-server-name', 'insecure-skip-tls-verify']);
const TARGET_HEADS = ['cluster', 'nodes', 'nodes/', 'namespaces', 'namespaces/', 'pods', 'ns/', 'no/', 'po/'];
const FREE_CONTAINERS = ['kubelet', 'docker-daemon', 'system', 'pods'];

export async function complete(words: readonly string[], manifest: Manifest, listNames: ListNames): Promise<Completion> {
  const typed = words.slice(0, -1);
  const partial = words.at(-1) ?? '';
  const { id, rest } = findCommand(typed, manifest);
  const command = id ? manifest.commands[id] : undefined;
  if (!command) return choices(subcommands(id ?? '', manifest), partial, DIRECTIVE.noFiles);

  const flagOf = (word: string) => Object.values(command.flags).find((f) => word === `--${f.name}` || (f.char && word === `-${f.char}`));
  const previous = rest.at(-1);
  const pending = previous !== undefined ? flagOf(previous) : undefined;
  if (pending?.type === 'option') {
    if (pending.options) return choices(pending.options, partial, DIRECTIVE.noFiles);
    return { choices: [], directive: FILE_FLAGS.has(pending.name) ? DIRECTIVE.files : DIRECTIVE.noFiles };
  }
  if (partial.startsWith('-')) {
    const flags = Object.values(command.flags).filter((f) => !f.hidden).map((f) => `--${f.name}\t${f.description ?? ''}`);
    return choices(flags, partial, DIRECTIVE.noFiles);
  }
  const { positionals, kubectlArgs, namespace } = readArgs(rest, flagOf);
  const argNames = Object.keys(command.args ?? {});
  const arg = argNames[positionals.length];
  if (arg === 'target') return target(partial, kubectlArgs, namespace, listNames);
  if (arg === 'metric') {
    const metrics = [...METRICS.map((m) => `${m.name}\t${m.unit}, ${m.kind}: ${m.description}`), ...Object.keys(METRIC_ALIASES).map((a) => `${a}\talias of ${METRIC_ALIASES[a]}`)];
    return choices(id === 'query' ? ['metrics\tthe metrics the target has', ...metrics] : metrics, partial, DIRECTIVE.noFiles);
  }
  return { choices: [], directive: DIRECTIVE.noFiles };
}

/** The longest command id the typed words name (`archive ls` is `archive:ls`), and the words after it. */
function findCommand(typed: readonly string[], manifest: Manifest): { id: string | undefined; rest: string[] } {
  let id: string | undefined;
  let used = 0;
  for (let i = 1; i <= typed.length; i++) {
    const candidate = typed.slice(0, i).join(':');
    if (manifest.commands[candidate]) {
      id = candidate;
      used = i;
    } else if (!Object.keys(manifest.commands).some((c) => c.startsWith(`${candidate}:`))) break;
    else if (!id) id = candidate; // a topic (`archive`): its subcommands come next
  }
  return { id, rest: typed.slice(used) };
}

/** The commands under a topic ('' for the top level), each with its summary. */
function subcommands(topic: string, manifest: Manifest): string[] {
  const depth = topic ? topic.split(':').length : 0;
  const out = new Map<string, string>();
  for (const [id, c] of Object.entries(manifest.commands)) {
    if (c.hidden || (topic && !id.startsWith(`${topic}:`))) continue;
    const parts = id.split(':');
    const name = parts[depth]!;
    if (!out.has(name)) out.set(name, parts.length === depth + 1 ? firstLine(c.summary ?? c.description) : `${name} commands`);
  }
  return [...out].map(([name, about]) => `${name}\t${about}`);
}

/** Positional words, the kubectl flags to pass on, and `-n`. */
function readArgs(rest: readonly string[], flagOf: (w: string) => ManifestFlag | undefined): { positionals: string[]; kubectlArgs: string[]; namespace?: string } {
  const positionals: string[] = [];
  const kubectlArgs: string[] = [];
  let namespace: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    const [flagWord, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const flag = word.startsWith('-') ? flagOf(flagWord) : undefined;
    if (!flag) {
      if (!word.startsWith('-')) positionals.push(word);
      continue;
    }
    if (flag.type === 'boolean') {
      if (PASSED_ON.has(flag.name)) kubectlArgs.push(`--${flag.name}`);
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined) break;
    if (PASSED_ON.has(flag.name)) kubectlArgs.push(`--${flag.name}=${value}`);
    if (flag.name === 'namespace') namespace = value;
  }
  return { positionals, kubectlArgs, namespace };
}

/** TARGET: the forms, then node, namespace and pod names from the cluster as the path grows. */
async function target(partial: string, kubectlArgs: string[], namespace: string | undefined, listNames: ListNames): Promise<Completion> {
  const parts = partial.split('/');
  const head = parts[0]!;
  const under = (prefix: string, names: string[]) => names.map((n) => `${prefix}${n}`);
  const isNode = NODE_WORDS.has(head);
  const isNs = NS_WORDS.has(head);
  if (parts.length === 1) {
    // a space after `cluster`, none after `nodes/` or while `n` could still become `nodes/`
    const left = choices(TARGET_HEADS, partial, DIRECTIVE.noFiles);
    return left.choices.some((c) => c.endsWith('/')) ? { ...left, directive: DIRECTIVE.noFiles | DIRECTIVE.noSpace } : left;
  }
  if (isNode && parts.length === 2) return choices(under(`${head}/`, await listNames('nodes', kubectlArgs)), partial, DIRECTIVE.noFiles | DIRECTIVE.noSpace);
  if (isNode && parts.length === 3) return choices([`${head}/${parts[1]}/freecontainers`], partial, DIRECTIVE.noFiles | DIRECTIVE.noSpace);
  if (isNode && parts.length === 4) return choices(under(`${head}/${parts[1]}/freecontainers/`, FREE_CONTAINERS), partial, DIRECTIVE.noFiles);
  if (isNs && parts.length === 2) return choices(under(`${head}/`, await listNames('namespaces', kubectlArgs)), partial, DIRECTIVE.noFiles | DIRECTIVE.noSpace);
  if (isNs && parts.length === 3) return choices([`${head}/${parts[1]}/pods`, `${head}/${parts[1]}/pod-list/`], partial, DIRECTIVE.noFiles | DIRECTIVE.noSpace);
  if (isNs && parts.length === 4 && (POD_WORDS.has(parts[2]!) || parts[2] === 'pod-list')) {
    return choices(under(`${head}/${parts[1]}/${parts[2]}/`, await listNames('pods', [...kubectlArgs, `--namespace=${parts[1]}`])), partial, DIRECTIVE.noFiles | DIRECTIVE.noSpace);
  }
  if (POD_WORDS.has(head) && parts.length === 2) {
    return choices(under(`${head}/`, await listNames('pods', [...kubectlArgs, ...(namespace ? [`--namespace=${namespace}`] : [])])), partial, DIRECTIVE.noFiles);
  }
  return { choices: [], directive: DIRECTIVE.noFiles | DIRECTIVE.noSpace };
}

function choices(all: readonly string[], partial: string, directive: number): Completion {
  return { choices: all.filter((c) => c.startsWith(partial)), directive };
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!;
}

/** Names with the user's kubectl, its config and flags: a completion must not wait long or fail loudly. */
export const kubectlNames: ListNames = (resource, kubectlArgs) => new Promise((resolve) => {
  execFile('kubectl', ['get', resource, '-o', 'name', '--request-timeout=3s', ...kubectlArgs], { timeout: 4000 }, (err, stdout) => {
    resolve(err ? [] : stdout.split('\n').filter(Boolean).map((line) => line.slice(line.indexOf('/') + 1)));
  });
});
