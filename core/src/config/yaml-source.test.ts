import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readYaml } from './yaml-source.ts';

// Configs without anchors are read by js-yaml, the others (and every problem's position)
// by the yaml library: both must see the same values.

const parsedValue = (text: string) => {
  const read = readYaml(text);
  if ('problems' in read) throw new Error(read.problems[0]?.message);
  return read.source.value;
};
const positional = (text: string) => parseDocument(text).toJS() ?? {};

describe('readYaml', () => {
  it('reads the shipped configs as the positional parser does', () => {
    for (const name of ['spoc.example.yaml', 'spoc.demo.yaml']) {
      const text = readFileSync(new URL(`../../../config/${name}`, import.meta.url), 'utf8');
      expect(parsedValue(text)).toEqual(positional(text));
    }
  });

  it('gives YAML 1.2 core scalars the same types either way (no dates, no yes/no booleans)', () => {
    const text = [
      'a: yes',
      'b: On',
      'c: 0o17',
      'd: 0x1F',
      'e: .inf',
      'f: ~',
      'g: 2024-01-01',
      'h: "${X}"',
      'i: 5%',
      'j: 1_000',
      'k: True',
      '"<<": { m: 1 }',
      'n: 010',
      'o: 1e3',
    ].join('\n');
    expect(parsedValue(text)).toEqual(positional(text));
    expect(parsedValue(`${text}\nz: &anchor 1\n`)).toEqual(positional(`${text}\nz: &anchor 1\n`));
  });

  it('locates a path after the fast read, parsing again only then', () => {
    const read = readYaml('a:\n  b:\n    - x\n    - y\n');
    if ('problems' in read) throw new Error('unexpected');
    expect(read.source.locate(['a', 'b', 1])).toEqual({ line: 4, col: 7 });
    expect(read.source.locate(['a', 'b'], true)).toEqual({ line: 2, col: 3 });
    expect(read.source.locate(['a', 'missing'])).toEqual({ line: 2, col: 3 });
  });
});
