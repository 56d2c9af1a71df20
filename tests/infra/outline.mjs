// Prints a JSON outline of Bicep files: syntax errors, declarations, resource and module bodies, and every symbol
// reference. The Bicep CLI cannot run on every machine; this outline lets the .NET tests check infra/ anywhere.
// Usage: node outline.mjs FILE.bicep...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Parser, Language } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm')));

const declarationTypes = new Set([
  'parameter_declaration', 'variable_declaration', 'resource_declaration', 'module_declaration',
  'output_declaration', 'type_declaration', 'user_defined_function',
]);

const line = node => node.startPosition.row + 1;
const named = node => node.namedChildren.filter(c => c.type !== 'comment');
const unquote = node => node.type === 'string' ? node.text.slice(1, -1) : node.text;

/** An object or array literal as JSON; any other expression as its source text. */
function value(node) {
  if (node.type === 'object') {
    const result = {};
    for (const property of named(node).filter(c => c.type === 'object_property')) {
      const [key, val] = named(property);
      result[unquote(key)] = val ? value(val) : null;
    }
    return result;
  }
  if (node.type === 'array') return named(node).map(value);
  return node.text;
}

/** A resource or module body: `{…}`, `if (c) {…}`, `[for x in y: {…}]` or `[for x in y: if (c) {…}]`. */
function body(node) {
  let loop = null;
  let condition = null;
  if (node.type === 'for_statement') {
    loop = node.childForFieldName('initializer')?.text ?? '';
    node = node.childForFieldName('body');
  }
  if (node.type === 'if_statement') {
    const [test, inner] = named(node);
    condition = test.text;
    node = inner;
  }
  return { loop, condition, body: value(node) };
}

/** Decorators as source text without the @; the grammar puts them in the sibling node before their declaration. */
function decorators(declaration) {
  const list = declaration.previousNamedSibling;
  if (list?.type !== 'decorators') return [];
  return named(list).map(d => d.text.replace(/^@(sys\.)?/, ''));
}

function outline(path) {
  const tree = parser.parse(readFileSync(path, 'utf8'));
  const result = {
    path, errors: [], targetScope: 'resourceGroup', params: [], vars: [], resources: [], modules: [], outputs: [],
    locals: [], references: [], outputReferences: [],
  };

  for (const node of named(tree.rootNode)) {
    const parts = named(node);
    switch (node.type) {
      case 'target_scope_assignment':
        result.targetScope = unquote(parts[0]);
        break;
      case 'parameter_declaration':
        result.params.push({
          name: parts[0].text, line: line(node), type: parts[1]?.text ?? '', hasDefault: parts.length > 2,
          decorators: decorators(node),
        });
        break;
      case 'variable_declaration':
        result.vars.push({ name: parts[0].text, value: value(parts[1]) });
        break;
      case 'resource_declaration':
        result.resources.push({
          symbol: parts[0].text, type: unquote(parts[1]), line: line(node),
          existing: node.children.some(c => c.type === 'existing'), ...body(parts.at(-1)),
        });
        break;
      case 'module_declaration':
        result.modules.push({ symbol: parts[0].text, path: unquote(parts[1]), line: line(node), ...body(parts.at(-1)) });
        break;
      case 'output_declaration':
        result.outputs.push({ name: parts[0].text, type: parts[1].text, line: line(node), decorators: decorators(node) });
        break;
    }
  }

  (function walk(node) {
    if (node.isError || node.isMissing) {
      result.errors.push({ line: line(node), column: node.startPosition.column + 1, text: node.text.slice(0, 80) });
    }
    if (node.type === 'identifier') classify(node, result);
    if (node.type === 'loop_variable' || node.type === 'loop_enumerator') result.locals.push(node.text);
    if (node.type === 'member_expression' && node.childForFieldName('property')?.text !== 'outputs') {
      const owner = node.childForFieldName('object');
      if (owner?.type === 'member_expression' && owner.childForFieldName('property')?.text === 'outputs') {
        let module = owner.childForFieldName('object');
        if (module?.type === 'subscript_expression') module = module.childForFieldName('object');
        result.outputReferences.push({
          module: module?.text ?? '', output: node.childForFieldName('property').text, line: line(node),
        });
      }
    }
    for (const child of node.children) walk(child);
  })(tree.rootNode);
  return result;
}

/** Sorts an identifier into a declaration, a locally bound name (loop or lambda variable) or a reference. */
function classify(node, result) {
  const parent = node.parent;
  if (!parent) return;
  if (declarationTypes.has(parent.type) && named(parent)[0]?.id === node.id) return;
  if (parent.type === 'object_property' && named(parent)[0]?.id === node.id) return;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) return;
  for (let p = parent; p; p = p.parent) if (p.type === 'type') return;
  if (parent.type === 'lambda_expression' || parent.type === 'for_loop_parameters'
    || (parent.type === 'for_statement' && parent.childForFieldName('initializer')?.id === node.id)) {
    result.locals.push(node.text);
    return;
  }
  result.references.push({ name: node.text, line: line(node) });
}

process.stdout.write(JSON.stringify(process.argv.slice(2).map(outline)));
