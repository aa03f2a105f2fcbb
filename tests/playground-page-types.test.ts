// The playground page is plain JS, but `tsc --noEmit` (npm test) checks it
// against the core's message model: each module opts in with `// @ts-check`
// and reads the server's JSON through JSDoc types.
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PUBLIC = 'src/adapters/playground/public';
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile('tsconfig.json', ts.sys.readFile).config, ts.sys, process.cwd());

/** The type errors in `file` once `edit` is applied to its text. */
function errorsWith(file: string, edit: (text: string) => string): string[] {
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name.endsWith(file) ? ts.createSourceFile(name, edit(readFileSync(file, 'utf8')), version) : read(name, version, ...rest);
  const program = ts.createProgram([file], parsed.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('playground page types', () => {
  it('has every module of the page in the type check, each with // @ts-check', () => {
    const modules = readdirSync(PUBLIC).filter((f) => f.endsWith('.js'));
    expect(modules.length).toBeGreaterThan(5);
    for (const m of modules) {
      expect(parsed.fileNames).toContain(`${process.cwd()}/${PUBLIC}/${m}`);
      expect(readFileSync(`${PUBLIC}/${m}`, 'utf8').startsWith('// @ts-check\n'), m).toBe(true);
    }
  });

  it("fails on a field the core's Message does not have", () => {
    const file = `${PUBLIC}/message-view.js`;
    expect(errorsWith(file, (s) => s)).toEqual([]);
    expect(errorsWith(file, (s) => s.replace('message.title &&', 'message.titel &&'))).toEqual([
      expect.stringContaining("Property 'titel' does not exist on type 'Message'"),
    ]);
  });
});
