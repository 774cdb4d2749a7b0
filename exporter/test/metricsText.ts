/** Parses Prometheus text exposition lines of one metric into label sets and values (test helper). */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export function parseSamples(text: string, name: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) {
      continue;
    }
    const labels: Record<string, string> = {};
    let rest = line.slice(name.length);
    if (rest.startsWith('{')) {
      const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;
      let i = 1;
      for (;;) {
        re.lastIndex = i;
        const m = re.exec(rest);
        if (!m) {
          break;
        }
        labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        i = re.lastIndex;
      }
      rest = rest.slice(rest.indexOf('}', i) + 1);
    }
    samples.push({ labels, value: Number(rest.trim().split(/\s+/)[0]) });
  }
  return samples;
}
