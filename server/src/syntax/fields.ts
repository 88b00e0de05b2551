// The node types of tree-sitter-python whose children can fill fields (`left`, `body`, ...), from its
// src/node-types.json (test/syntax/fields.test.ts checks the two agree): the tree copy (tree.ts) asks
// the binding for a child's field only under these, a crossing into C++ or WebAssembly saved per node.

export const TYPES_WITH_FIELDS: ReadonlySet<string> = new Set([
  'aliased_import', 'as_pattern', 'assignment', 'attribute', 'augmented_assignment', 'binary_operator',
  'block', 'boolean_operator', 'call', 'case_clause', 'class_definition', 'comparison_operator',
  'decorated_definition', 'default_parameter', 'dict_pattern', 'dictionary_comprehension', 'elif_clause', 'else_clause',
  'except_clause', 'exec_statement', 'for_in_clause', 'for_statement', 'format_expression', 'function_definition',
  'future_import_statement', 'generator_expression', 'if_statement', 'import_from_statement', 'import_statement', 'interpolation',
  'keyword_argument', 'lambda', 'list_comprehension', 'match_statement', 'named_expression', 'not_operator',
  'pair', 'print_statement', 'raise_statement', 'set_comprehension', 'subscript', 'try_statement',
  'type_alias_statement', 'typed_default_parameter', 'typed_parameter', 'unary_operator', 'while_statement', 'with_item',
  'with_statement',
]);
