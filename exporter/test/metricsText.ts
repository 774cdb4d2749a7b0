/**
 * Reads samples of one metric out of the Prometheus text exposition format (test helper). Written here
 * rather than taken from npm: it is a few lines, it shares nothing with the exporter (which renders with
 * prom-client), and it follows the format's rules for label values: `\\`, `\"` and `\n` escapes, read in
 * one pass.
 */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

const unescape = (text: string) => text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

export function parseSamples(text: string, name: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) {
      continue;
    }
    const labels: Record<string, string> = {};
    let rest = line.slice(name.length);
    if (rest.startsWith('{')) {
      let i = 1;
      for (;;) {
        LABEL.lastIndex = i;
        const m = LABEL.exec(rest);
        if (!m) {
          break;
        }
        labels[m[1]] = unescape(m[2]);
        i = LABEL.lastIndex;
      }
      if (rest[i] !== '}') {
        throw new Error(`not a sample line: ${line}`);
      }
      rest = rest.slice(i + 1);
    }
    samples.push({ labels, value: Number(rest.trim().split(/\s+/)[0]) });
  }
  return samples;
}

/** The one sample of a metric without labels (a gauge such as the watermark). */
export function singleValue(text: string, name: string): number {
  const samples = parseSamples(text, name);
  if (samples.length !== 1) {
    throw new Error(`${name}: expected one sample, got ${samples.length}`);
  }
  return samples[0].value;
}
