// What each source file imports, resolved to the file it reaches (or the package it
// names), the way the compiler resolves it: the layer test judges where an import
// lands, not how its path happens to be spelled.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: true };

/** A resolved import: a repository path ('src/core/model.ts'), or a package's name ('@slack/bolt', 'node:crypto'). */
export interface Import {
  specifier: string;
  /** Set for an import of a file. */
  file?: string;
  /** Set for an import of a package or a Node built-in. */
  pkg?: string;
}

export const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
    .map((f) => f.split('\\').join('/'))
    .sort();

const packageName = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

/** Every import, export-from, dynamic import and require in `source`, as if it were the file at `file`. */
export function importsOf(file: string, source = readFileSync(file, 'utf8')): Import[] {
  return ts.preProcessFile(source, true, true).importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) return { specifier, pkg: packageName(specifier) };
    const found = ts.resolveModuleName(specifier, resolve(file), options, ts.sys).resolvedModule;
    // An import that reaches no file is reported as one that reaches outside every layer.
    return { specifier, file: found ? relative(process.cwd(), found.resolvedFileName).split('\\').join('/') : `unresolved:${specifier}` };
  });
}
