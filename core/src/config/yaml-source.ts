import { CORE_SCHEMA, load } from 'js-yaml';
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
} from 'yaml';

/** A location in the config: `roles.csm.policy` as segments. */
export type Path = (string | number)[];

export interface Located {
  line: number;
  col: number;
}

export interface YamlSource {
  /** The document as plain JS (aliases resolved, so shared objects may appear twice). */
  value: unknown;
  /** Line and column of the node at `path` (or of its key), else of its nearest ancestor. */
  locate(path: Path, atKey?: boolean): Located;
}

/** Aliases a config may use, and the nodes they may add: a few hundred shared blocks is plenty. */
export const MAX_ALIASES = 1_000;
export const MAX_ALIAS_EXPANSION = 100_000;

/** What is wrong with the YAML, where (`path` as far as known). */
export interface YamlProblem extends Located {
  path: Path;
  message: string;
}

/**
 * Parses config YAML in time linear in its size. A config without anchors or aliases is
 * read by js-yaml (several times faster than a parser that keeps positions: a book of
 * 50,000 aliases reads in a fraction of a second) and is only parsed again, with
 * positions, when a problem must be located. Anything else (an anchor, an alias, a
 * duplicate key, a syntax error) takes the positional parser, whose checks bound aliases
 * and report each problem with its line.
 */
export function readYaml(text: string): { source: YamlSource } | { problems: YamlProblem[] } {
  const value = MAY_HOLD_ANCHORS.test(text) ? undefined : plainValue(text);
  if (value === undefined) return readPositioned(text);
  let located: YamlSource['locate'] | undefined;
  const locate = (path: Path, atKey?: boolean): Located => {
    located ??= positionsOf(text);
    return located(path, atKey);
  };
  return { source: { value, locate } };
}

// `&anchor` or `*alias` where a node may start; a false match (in a comment or a quoted
// string) only costs the slower parse.
const MAY_HOLD_ANCHORS = /(?:^|[\s,[{])[&*]/m;

/** The value js-yaml reads with YAML 1.2 core types (as the positional parser), else undefined. */
function plainValue(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA }) ?? {};
  } catch {
    return undefined;
  }
}

function readPositioned(text: string): { source: YamlSource } | { problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  const at = (offset: number): Located => lineCounter.linePos(offset);
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (error) {
    return { problems: [{ line: 0, col: 0, path: [], message: `YAML: ${String(error)}` }] };
  }

  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Later syntax errors are mostly echoes of the first one: report that one only.
    const { line, col } = at(syntaxError.pos[0]);
    let message = `YAML syntax: ${syntaxError.message.split('\n')[0]}`;
    if (text.split('\n')[line - 1]?.includes('${'))
      message += ' (inside { … } a ${VAR} reference must be quoted: "${VAR}")';
    return { problems: [{ line, col, path: [], message }] };
  }

  const problems = structureProblems(doc.contents, at);
  if (problems.length > 0) return { problems };

  let value: unknown;
  try {
    // Aliases are bounded above; the library's own count would refuse legitimate reuse.
    value = doc.toJS({ maxAliasCount: -1 }) ?? {};
  } catch (error) {
    return { problems: [{ line: 0, col: 0, path: [], message: `YAML: ${String(error)}` }] };
  }
  return { source: { value, locate: locator(doc, at) } };
}

/** Positions in a text the fast path has read: parsed again only to locate a problem. */
function positionsOf(text: string): YamlSource['locate'] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  return locator(doc, (offset) => lineCounter.linePos(offset));
}

function locator(doc: Document.Parsed, at: (offset: number) => Located): YamlSource['locate'] {
  // One key index per map, built when first searched: locating many problems stays linear.
  const keys = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = keys.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items)
        if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
      keys.set(map, index);
    }
    return index.get(key);
  };
  return (path, atKey = false) => at(offsetOf(doc.contents, path, atKey, pairOf));
}

/** Duplicate keys, unknown or circular aliases, too many aliases or too large an expansion. */
function structureProblems(root: Node | null, at: (offset: number) => Located): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const IN_PROGRESS = -1;
  const anchors = new Map<string, number>();
  let aliases = 0;
  let added = 0;
  // An alias problem stops the walk (its cost is what is being bounded); duplicate keys do not.
  let halted = false;
  // The path of the node being walked, copied only when a problem is reported.
  const path: Path = [];
  const problem = (node: Node, message: string, last?: string) => {
    problems.push({ ...at(node.range?.[0] ?? 0), path: last === undefined ? [...path] : [...path, last], message });
  };
  const aliasProblem = (node: Node, message: string) => {
    problem(node, message);
    halted = true;
    return 0;
  };

  // Nodes the value would hold once every alias is expanded.
  const size = (node: unknown): number => {
    if (halted || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const name = node.source;
      const expands = anchors.get(name);
      if (expands === undefined) return aliasProblem(node, `alias *${name} has no anchor &${name} before it`);
      if (expands === IN_PROGRESS) return aliasProblem(node, `alias *${name} is inside its own anchor &${name}`);
      if (++aliases > MAX_ALIASES) return aliasProblem(node, `more than ${MAX_ALIASES} YAML aliases`);
      added += expands - 1;
      if (added > MAX_ALIAS_EXPANSION)
        return aliasProblem(node, `alias *${name} expands the config beyond ${MAX_ALIAS_EXPANSION} extra values`);
      return expands;
    }
    const anchor = (node as Node).anchor;
    if (anchor) anchors.set(anchor, IN_PROGRESS);
    let total = 1;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        total += size(pair.key);
        if (key === undefined) {
          total += size(pair.value);
          continue;
        }
        if (seen.has(key)) problem(pair.key as Node, `duplicate key "${key}"`, key);
        seen.add(key);
        path.push(key);
        total += size(pair.value);
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        total += size(item);
        path.pop();
      });
    } else if (isCollection(node)) {
      for (const item of node.items) total += size(item);
    }
    if (anchor) anchors.set(anchor, total);
    return total;
  };
  size(root);
  return problems;
}

/** Offset of the node at `path` (or of its key), else of the nearest ancestor. */
function offsetOf(
  root: Node | null,
  path: Path,
  atKey: boolean,
  pairOf: (map: YAMLMap, key: string) => Pair | undefined,
): number {
  let node: unknown = root;
  let best = root?.range?.[0] ?? 0;
  for (const [depth, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = pairOf(node, String(segment));
      if (!pair || !isPair(pair)) return best;
      best = (pair.key as Node).range?.[0] ?? best;
      if (atKey && depth === path.length - 1) return best;
      node = pair.value;
      const range = (node as Node | null)?.range;
      if (range) best = range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      const range = (node as Node | undefined)?.range;
      if (!range) return best;
      best = range[0];
    } else {
      return best;
    }
  }
  return best;
}
