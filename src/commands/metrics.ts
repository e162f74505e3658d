import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { METRICS, METRIC_ALIASES } from '../model/index.js';
import { OUTPUT_FORMATS, plainTable } from '../render/index.js';

const LEVEL_NAMES: Record<string, string> = {
  cluster: 'cluster', node: 'node', ns: 'namespace', pod: 'pod', pod_container: 'container', sys_container: 'system container',
};

export default class Metrics extends BaseCommand {
  static override summary = "List Heapster's metric catalogue: name, unit, type, levels, description.";
  static override examples = ['kubectl heapster metrics', 'kubectl heapster metrics -o json'];
  static override flags = {
    output: Flags.string({ char: 'o', description: 'output format', options: [...OUTPUT_FORMATS], default: 'table' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Metrics);
    const rows = METRICS.map((m) => ({
      name: m.name, unit: m.quantity, type: m.kind, value: m.valueType, labeled: m.labeled,
      levels: m.levels.map((l) => LEVEL_NAMES[l]), description: m.description,
      aliases: Object.entries(METRIC_ALIASES).filter(([, v]) => v === m.name).map(([k]) => k),
    }));
    if (flags.output === 'json') return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    if (flags.output === 'csv') {
      const cell = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const lines = rows.map((r) => [r.name, r.unit, r.type, r.value, String(r.labeled), r.levels.join(';'), r.description].map(cell).join(','));
      return void process.stdout.write(['name,unit,type,value,labeled,levels,description', ...lines].join('\n') + '\n');
    }
    process.stdout.write(plainTable(['name', 'unit', 'type', 'levels', 'description'],
      rows.map((r) => [r.name + (r.labeled ? ' (labeled)' : '') + (r.aliases.length ? ` [${r.aliases.join(', ')}]` : ''), r.unit, r.type, r.levels.join(','), r.description])));
  }
}
