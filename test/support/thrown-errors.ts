import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Which domain errors (classes of src/functions/domain/kernel/errors.ts) each operation of an HTTP handler can throw, read
 * from the code with the TypeScript compiler: the operation's function in `httpHandler(..., {operation: ...})`
 * and every function of src/functions/ it calls, transitively, are searched for `new <Error>(...)`. A call through a
 * port (an interface method, a `ports.ts` of src/functions/domain/) follows the same-named method of every class that
 * implements the interface. An over-approximation (an error constructed on a path the inputs never take counts),
 * never an under-approximation of the errors the code constructs, except through callbacks stored in variables.
 */

const root = path.resolve(__dirname, '..', '..');
const lambdas = path.join(root, 'src');
const errorsFile = path.join(lambdas, 'functions', 'domain', 'kernel', 'errors.ts');

/** The operations of every HTTP handler file and the error class names each can throw. */
export function thrownErrorsByOperation(handlerFiles: readonly string[]): Map<string, Set<string>> {
  const program = ts.createProgram(handlerFiles, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
  });
  const checker = program.getTypeChecker();
  const inLambdas = (node: ts.Node) => node.getSourceFile().fileName.startsWith(lambdas);

  /** Class methods implementing `name` of interface `iface`, in any source file of src/functions/. */
  const implementations = (iface: string, name: string): ts.Node[] => {
    const found: ts.Node[] = [];
    for (const file of program.getSourceFiles()) {
      if (!file.fileName.startsWith(lambdas)) continue;
      const visit = (node: ts.Node) => {
        if (ts.isClassDeclaration(node)) {
          const implemented = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText()));
          if (implemented.includes(iface)) {
            for (const member of node.members) {
              if (ts.isMethodDeclaration(member) && member.name.getText() === name) found.push(member);
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    return found;
  };

  /** The declarations a call's callee resolves to, within src/functions/. */
  const calleesOf = (call: ts.CallExpression): ts.Node[] => {
    let symbol = checker.getSymbolAtLocation(call.expression);
    if (!symbol) return [];
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return (symbol.declarations ?? []).flatMap((declaration) => {
      if (!inLambdas(declaration)) return [];
      if (ts.isMethodSignature(declaration) && ts.isInterfaceDeclaration(declaration.parent)) {
        return implementations(declaration.parent.name.text, declaration.name.getText());
      }
      if (ts.isVariableDeclaration(declaration) && declaration.initializer) return [declaration.initializer];
      return [declaration];
    });
  };

  const memo = new Map<ts.Node, Set<string>>();
  const errorsOf = (node: ts.Node): Set<string> => {
    const known = memo.get(node);
    if (known) return known;
    const errors = new Set<string>();
    memo.set(node, errors); // cycles end here
    const visit = (n: ts.Node) => {
      if (ts.isNewExpression(n)) {
        let symbol = checker.getSymbolAtLocation(n.expression);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        if (symbol?.declarations?.some((d) => d.getSourceFile().fileName === errorsFile)) errors.add(symbol.name);
      }
      if (ts.isCallExpression(n)) for (const callee of calleesOf(n)) for (const e of errorsOf(callee)) errors.add(e);
      ts.forEachChild(n, visit);
    };
    visit(node);
    return errors;
  };

  const result = new Map<string, Set<string>>();
  for (const file of handlerFiles) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not compiled: ${file}`);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.getText() === 'httpHandler') {
        const operations = node.arguments[1];
        if (!operations || !ts.isObjectLiteralExpression(operations)) throw new Error(`${file}: operations?`);
        for (const property of operations.properties) {
          if (!ts.isPropertyAssignment(property)) throw new Error(`${file}: ${property.getText()} is not op: fn`);
          result.set(property.name.getText(), errorsOf(property.initializer));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return result;
}
