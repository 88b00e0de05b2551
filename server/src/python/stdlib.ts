// Standard-library objects that model code uses for its hyper-parameters, modelled by their
// documented behaviour: argparse (an ArgumentParser whose parse_args() answers each option's
// default, as a run without command-line flags does), and the attribute bags
// types.SimpleNamespace and argparse.Namespace.
//
// Each is an ObjectValue of a class made here and marked with the library name it stands for;
// the interpreter sends attribute reads and method calls on such objects to this file. What the
// documentation leaves to the command line (a required option, a positional argument) is unknown.

import type { SyntaxNode } from '../syntax/parse';
import type { Interpreter } from './interpreter';
import { bool, ClassValue, DictValue, int, list, NONE, ObjectValue, str, tuple, UNKNOWN, Value } from './values';

const PARSER = 'argparse.ArgumentParser';
const NAMESPACE = 'argparse.Namespace';
const MATCH = 're.Match';

/** The hidden attribute under which a match keeps its groups (the whole match first). */
const GROUPS = '__re_groups__';

/** The hidden attribute under which a parser keeps its options (dest → default). */
const OPTIONS = '__argparse_options__';

/** Constructors this file answers, by normalised name. */
const CONSTRUCTORS = new Set([PARSER, NAMESPACE, 'types.SimpleNamespace']);

/** The methods of an ArgumentParser (and of its argument groups, which add to the same parser). */
const PARSER_METHODS = new Set(['add_argument', 'add_argument_group', 'add_mutually_exclusive_group', 'parse_args', 'parse_known_args', 'set_defaults', 'get_default', 'print_help', 'print_usage', 'error', 'add_subparsers']);

function libraryObject(interp: Interpreter, library: string, node: SyntaxNode): ObjectValue {
  const cls: ClassValue = { t: 'class', name: library.slice(library.lastIndexOf('.') + 1), node, bases: [], attrs: new Map(), id: interp.newId(), library };
  return { t: 'object', cls, attrs: new Map(), node, id: interp.newId() };
}

/** `argparse.ArgumentParser(...)`, `types.SimpleNamespace(a=1)`, `argparse.Namespace(...)`; undefined for other names. */
export function stdlibCall(interp: Interpreter, name: string, _args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  if (!CONSTRUCTORS.has(name)) return undefined;
  if (name === PARSER) {
    const parser = libraryObject(interp, PARSER, node);
    parser.attrs.set(OPTIONS, { t: 'dict', entries: new Map() });
    return parser;
  }
  const ns = libraryObject(interp, NAMESPACE, node);
  for (const [k, v] of kwargs) ns.attrs.set(k, v);
  return ns;
}

/** A `re.Match` of `re.search`/`match`/`fullmatch` (builtins.ts): the whole match and each group's text (null where a group took no part). */
export function matchObject(interp: Interpreter, groups: (string | null)[], node: SyntaxNode): ObjectValue {
  const match = libraryObject(interp, MATCH, node);
  match.attrs.set(GROUPS, list(groups.map((g) => (g === null ? NONE : str(g)))));
  return match;
}

/** An attribute of a library object: a namespace's value, or a parser's or a match's bound method; unknown otherwise. */
export function stdlibAttr(obj: ObjectValue, name: string): Value {
  if (obj.cls.library === PARSER && PARSER_METHODS.has(name)) return { t: 'builtin', name: `${PARSER}.${name}`, self: obj };
  if (obj.cls.library === MATCH) return name === 'group' || name === 'groups' ? { t: 'builtin', name: `${MATCH}.${name}`, self: obj } : UNKNOWN;
  return obj.attrs.get(name) ?? UNKNOWN;
}

/** `m.group()`, `m.group(1)`, `m.group(1, 2)` and `m.groups(default=None)`, by number; unknown for named groups. */
function matchMethod(self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>): Value {
  const groups = self.attrs.get(GROUPS);
  if (groups?.t !== 'list') return UNKNOWN;
  if (method === 'groups') {
    const fallback = args[0] ?? kwargs.get('default') ?? NONE;
    return tuple(groups.items.slice(1).map((g) => (g.t === 'none' ? fallback : g)));
  }
  if (method !== 'group' || kwargs.size > 0) return UNKNOWN;
  const picked = (args.length === 0 ? [int(0)] : args).map((a) => (a.t === 'int' && typeof a.v === 'number' && a.v >= 0 && a.v < groups.items.length ? groups.items[a.v] : undefined));
  if (picked.some((g) => g === undefined)) return UNKNOWN;
  return picked.length === 1 ? picked[0]! : tuple(picked as Value[]);
}

/** A method of a library object (`parser.add_argument(...)`, `parser.parse_args()`, `match.group(1)`). */
export function stdlibMethod(interp: Interpreter, self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  if (self.cls.library === MATCH) return matchMethod(self, method, args, kwargs);
  if (self.cls.library !== PARSER) return UNKNOWN;
  const options = self.attrs.get(OPTIONS);
  if (options?.t !== 'dict') return UNKNOWN;
  switch (method) {
    case 'add_argument':
      addArgument(interp, options, args, kwargs, node);
      return NONE;
    case 'add_argument_group':
    case 'add_mutually_exclusive_group':
      // A group's options are the parser's own.
      return self;
    case 'set_defaults':
      for (const [k, v] of kwargs) options.entries.set(`s:${k}`, { key: str(k), value: v });
      return NONE;
    case 'get_default': {
      const dest = args[0]?.t === 'str' ? args[0].v : null;
      return (dest !== null && options.entries.get(`s:${dest}`)?.value) || UNKNOWN;
    }
    case 'parse_args':
    case 'parse_known_args': {
      const given = args[0] ?? kwargs.get('args');
      // Explicit arguments (other than none at all) are not parsed here.
      if (given && given.t !== 'none' && !((given.t === 'list' || given.t === 'tuple') && given.items.length === 0)) return UNKNOWN;
      const ns = libraryObject(interp, NAMESPACE, node);
      for (const e of options.entries.values()) if (e.key.t === 'str') ns.attrs.set(e.key.v, e.value);
      return method === 'parse_args' ? ns : tuple([ns, list([])]);
    }
    default:
      return method === 'print_help' || method === 'print_usage' ? NONE : UNKNOWN;
  }
}

/**
 * `parser.add_argument('--nz', type=int, default=100)`: the option's destination and the value a
 * run without that flag gives it. A required option or a positional argument is unknown.
 */
function addArgument(interp: Interpreter, options: DictValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): void {
  const flags = args.map((a) => (a.t === 'str' ? a.v : null));
  if (flags.length === 0 || flags.some((f) => f === null)) {
    // An option whose name we cannot read may be any attribute of the namespace.
    options.partial = true;
    return;
  }
  const names = flags as string[];
  const destArg = kwargs.get('dest');
  let dest: string | null;
  if (destArg) dest = destArg.t === 'str' ? destArg.v : null;
  else {
    const long = names.find((n) => n.startsWith('--'));
    const short = names.find((n) => n.startsWith('-'));
    dest = (long ?? short ?? names[0]).replace(/^-+/, '').replace(/-/g, '_');
  }
  if (dest === null) {
    options.partial = true;
    return;
  }
  const positional = !names[0].startsWith('-');
  const action = kwargs.get('action');
  const nargs = kwargs.get('nargs');
  const required = kwargs.get('required');
  let value: Value;
  if ((required && !(required.t === 'bool' && !required.v)) || (positional && !(nargs?.t === 'str' && (nargs.v === '?' || nargs.v === '*')))) value = UNKNOWN;
  else if (kwargs.has('default')) value = convertDefault(interp, kwargs.get('default')!, kwargs.get('type'), node);
  else if (action?.t === 'str' && action.v === 'store_true') value = bool(false);
  else if (action?.t === 'str' && action.v === 'store_false') value = bool(true);
  else if (action && action.t !== 'str') value = UNKNOWN; // a custom Action class
  else value = NONE;
  options.entries.set(`s:${dest}`, { key: str(dest), value });
}

/** argparse converts a string default with the option's `type`; any other default is kept as written. */
function convertDefault(interp: Interpreter, value: Value, type: Value | undefined, node: SyntaxNode): Value {
  if (value.t !== 'str' || !type) return value;
  return interp.call(type, [value], new Map(), node);
}
