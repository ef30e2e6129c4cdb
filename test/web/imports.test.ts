import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = resolve(import.meta.dirname, '../../web/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The dashboard files a file imports (type-only imports and re-exports too). */
function importsOf(file: string, root: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.flatMap((specifier) => {
    const base = resolve(dirname(file), specifier);
    const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find(
      (candidate) => existsSync(candidate) && statSync(candidate).isFile() && candidate.startsWith(root),
    );
    return found ? [found] : [];
  });
}

/** Every import cycle, each as the files around it. */
function cycles(root: string): string[][] {
  const files = sourceFiles(root);
  const graph = new Map(files.map((file) => [file, importsOf(file, root)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)).map((path) => relative(root, path)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

describe('dashboard imports', () => {
  it('are checked for cycles through type-only imports too', () => {
    const root = mkdtempSync(join(tmpdir(), 'web-cycles-'));
    writeFileSync(join(root, 'Page.tsx'), "import { Form } from './Form';\nexport type Row = { id: string };\nexport const Page = Form;\n");
    writeFileSync(join(root, 'Form.tsx'), "import type { Row } from './Page';\nexport const Form = (row: Row) => row.id;\n");
    writeFileSync(join(root, 'types.ts'), 'export type Alone = string;\n');
    expect(cycles(root).map((cycle) => cycle.toSorted())).toEqual([['Form.tsx', 'Page.tsx']]);
  });

  it('have no cycles, type-only imports included', () => {
    expect(cycles(WEB)).toEqual([]);
  });
});
