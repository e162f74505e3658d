import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { METRICS, METRIC_ALIASES } from '../model/index.js';
import { csvText, documentText, OUTPUT_FORMATS, plainTable, type OutputFormat } from '../render/index.js';

const LEVEL_NAMES: Record<string, string> = {
  cluster: 'cluster', node: 'node', ns: 'namespace', pod: 'pod', pod_container: 'container', sys_container: 'system container',
};

export default class Metrics extends BaseCommand {
  static override summary = "List Heapster's metric catalogue: name, unit, type, levels, description.";
  static override examples = ['kubectl heapster metrics', 'kubectl heapster metrics -o json'];
  static override flags = {
    output: Flags.string({ char: 'o', description: 'output format', options: OUTPUT_FORMATS.filter((f) => f !== 'chart'), default: 'table' }),
    'no-headers': Flags.boolean({ description: "don't print table or CSV headers" }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Metrics);
    const rows = METRICS.map((m) => ({
      name: m.name, unit: m.quantity, type: m.kind, value: m.valueType, labeled: m.labeled,
      levels: m.levels.map((l) => LEVEL_NAMES[l]), description: m.description,
      aliases: Object.entries(METRIC_ALIASES).filter(([, v]) => v === m.name).map(([k]) => k),
    }));
    const format = flags.output as OutputFormat;
    if (format === 'json' || format === 'yaml') return void process.stdout.write(documentText(rows, format));
    if (format === 'csv') {
      return void process.stdout.write(csvText(['name', 'unit', 'type', 'value', 'labeled', 'levels', 'description'],
        rows.map((r) => [r.name, r.unit, r.type, r.value, String(r.labeled), r.levels.join(';'), r.description]), flags['no-headers']));
    }
    const wide = format === 'wide';
    process.stdout.write(plainTable(['name', 'unit', 'type', ...(wide ? ['value', 'aliases'] : []), 'levels', 'description'],
      rows.map((r) => [r.name + (r.labeled ? ' (labeled)' : '') + (!wide && r.aliases.length ? ` [${r.aliases.join(', ')}]` : ''), r.unit, r.type,
        ...(wide ? [r.value, r.aliases.join(',') || '-'] : []), r.levels.join(','), r.description]), flags['no-headers']));
  }
}
