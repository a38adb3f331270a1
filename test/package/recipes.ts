import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

// Reading the deploy recipes the way their tests check them (deploy.test.ts, deploy-workers.test.ts).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Manifest {
  file: string;
  doc: { apiVersion: string; kind: string; metadata: { name: string } };
}

/** Every manifest of a kustomize folder (its kustomization.yaml apart), and a lookup by kind and name. */
export function loadManifests(dir: string): {
  files: string[];
  manifests: Manifest[];
  find: <T>(kind: string, name: string) => T;
} {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
  const manifests: Manifest[] = files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
      return { file, doc: d.toJS() };
    }),
  );
  const find = <T>(kind: string, name: string): T => {
    const found = manifests.find((m) => m.doc.kind === kind && m.doc.metadata.name === name);
    if (!found) throw new Error(`${relative(ROOT, dir)} holds no ${kind} ${name}`);
    return found.doc as T;
  };
  return { files, manifests, find };
}

/** A systemd unit's sections and keys; a key may repeat (systemd.syntax(7)), so each holds a list. */
export function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]!] ?? {};
      sections[header[1]!] = current;
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!entry || !current) throw new Error(`line ${n + 1} is neither a [Section] nor Key=value: ${raw}`);
    current[entry[1]!] = [...(current[entry[1]!] ?? []), entry[2]!];
  }
  return sections;
}
