// Prometheus text exposition format 0.0.4 (what every Prometheus scrapes).
import { METRICS, type Collected } from './families';
import { METRIC_KEYS } from './collect';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function toPrometheusText(collected: Collected, prefix = ''): string {
  const lines: string[] = [];
  for (const key of METRIC_KEYS) {
    const metric = METRICS[key];
    const name = prefix + metric.name;
    lines.push(`# HELP ${name} ${escapeHelp(metric.help)}`, `# TYPE ${name} ${metric.type}`);
    for (const sample of collected[key]) {
      const pairs = Object.entries(sample.labels).map(([label, value]) => `${label}="${escapeLabel(value)}"`);
      lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
