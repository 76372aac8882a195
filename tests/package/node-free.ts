// Static check that an ESM entry and every module it reaches (its chunks) use nothing of Node: no
// `node:` or built-in module import, no `require`, and no Node global (`Buffer`, `process`, …). Parses
// the JavaScript with the TypeScript compiler, so names in strings, comments and property keys
// (`x.process`) are not mistaken for the globals.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/** Globals that exist on Node (and, partly, Bun and Deno) but not in a browser. */
export const NODE_GLOBALS = ['Buffer', 'process', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'];

/** One use of Node found in a file. */
export interface Finding {
  file: string;
  line: number;
  what: string;
}

/** The modules reached from the entry, and every Node dependency found in them. */
export interface NodeCheck {
  files: string[];
  bareImports: string[];
  findings: Finding[];
}

const BUILTINS = new Set(builtinModules);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self']);

/** Is this identifier the name of a member or declaration rather than a reference to a global? */
function isNameNotReference(node: ts.Identifier): boolean {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p)) return p.name === node;
  if (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) return p.name === node;
  if (ts.isBindingElement(p)) return p.propertyName === node;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) return p.propertyName === node || p.name === node;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return true;
  return false;
}

/**
 * Follows `entry`'s relative imports and reports every use of Node in the reached modules. Bare
 * imports other than `allowedPackages` are findings too (an undeclared dependency).
 */
export function checkNodeFree(entry: string, allowedPackages: readonly string[]): NodeCheck {
  const files: string[] = [];
  const bareImports = new Set<string>();
  const findings: Finding[] = [];
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const report = (node: ts.Node, what: string) => findings.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, what });
    const onSpecifier = (node: ts.Node, spec: string) => {
      if (spec.startsWith('./') || spec.startsWith('../')) queue.push(resolve(dirname(file), spec));
      else if (spec.startsWith('node:') || BUILTINS.has(spec)) report(node, `imports Node module '${spec}'`);
      else if (allowedPackages.includes(spec)) bareImports.add(spec);
      else report(node, `imports undeclared package '${spec}'`);
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        onSpecifier(node, node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [arg] = node.arguments;
        if (arg && ts.isStringLiteralLike(arg)) onSpecifier(node, arg.text);
        else report(node, 'imports a computed module specifier');
      } else if (ts.isIdentifier(node) && NODE_GLOBALS.includes(node.text) && !isNameNotReference(node)) {
        report(node, `uses Node global '${node.text}'`);
      } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text) && NODE_GLOBALS.includes(node.name.text)) {
        report(node, `uses Node global '${node.expression.text}.${node.name.text}'`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { files, bareImports: [...bareImports].sort(), findings };
}
