// Where a model's input shape comes from, when the code does not say it by itself: the
// `# input: (1, 3, 32, 32)` and `# model: ResNet(BasicBlock, [2, 2, 2, 2])` comments above a
// model, the `--input` flag, and the symbolic input built from the first layer that needs one.

import { Dim, sym } from '../shapes/dim';
import type { LayerDef, Shape } from '../shapes/types';
import type { BoundArgs } from '../shapes/context';

/**
 * Parses `(1, 3, 32, 32), (1, 10)` into shapes. Names (`N`, `H`) become symbols and `None`
 * an unknown size. Returns null when the text is not a list of tuples.
 */
export function parseShapeList(text: string): Shape[] | null {
  const shapes: Shape[] = [];
  const re = /\(([^()]*)\)|\[([^[\]]*)\]/g;
  let m: RegExpExecArray | null;
  let consumed = '';
  while ((m = re.exec(text))) {
    consumed += m[0];
    const body = (m[1] ?? m[2]).trim();
    const dims: Dim[] = [];
    for (const part of body.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
      if (/^-?\d+$/.test(part)) dims.push(Number(part));
      else if (part === 'None' || part === 'null' || part === '?') dims.push(null);
      else if (/^[A-Za-z_]\w*$/.test(part)) dims.push(sym(part));
      else return null;
    }
    shapes.push(dims);
  }
  return shapes.length > 0 ? shapes : null;
}

export interface ModelComments {
  input?: { shapes: Shape[]; line: number };
  model?: { expr: string; line: number };
}

/** The `# input:` / `# model:` comments in the block of comment lines directly above `line` (0-based). */
export function commentsAbove(lines: readonly string[], line: number): ModelComments {
  const out: ModelComments = {};
  for (let l = Math.min(line, lines.length) - 1; l >= 0; l--) {
    const t = lines[l].trim();
    if (t.startsWith('@')) continue;
    if (!t.startsWith('#')) break;
    const input = /^#\s*input\s*:\s*(.+)$/.exec(t);
    if (input && !out.input) {
      const shapes = parseShapeList(input[1]);
      if (shapes) out.input = { shapes, line: l };
    }
    const model = /^#\s*model\s*:\s*(.+)$/.exec(t);
    if (model && !out.model) out.model = { expr: model[1].trim(), line: l };
  }
  return out;
}

const SPATIAL: Record<number, string[]> = { 1: ['L'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

/** The symbols that stand for spatial sizes in a symbolic input. */
export const SPATIAL_SYMBOLS = ['L', 'H', 'W', 'D'];

/**
 * A symbolic input for a model whose first layer is `def` with these arguments: batch `N`
 * (unknown for Keras), channels from the layer when it fixes them, spatial sizes as symbols.
 */
export function symbolicInput(def: LayerDef, bound: BoundArgs): Shape {
  const v = (name: string): Dim => {
    const a = bound.values.get(name);
    return typeof a === 'number' ? a : null;
  };
  const kind = def.kind;
  if (def.framework === 'torch') {
    const n = sym('N');
    const m = /^(?:Lazy)?(?:Conv|ConvTranspose|MaxPool|AvgPool|AdaptiveAvgPool|AdaptiveMaxPool|BatchNorm|InstanceNorm|LPPool|Dropout|ReflectionPad|ReplicationPad|ZeroPad|ConstantPad)([123])d$/.exec(kind);
    if (m) {
      const rank = Number(m[1]);
      const c = v('in_channels') ?? v('num_features') ?? sym('C');
      return [n, c, ...SPATIAL[rank].map(sym)];
    }
    if (kind === 'GroupNorm') return [n, v('num_channels') ?? sym('C'), sym('H'), sym('W')];
    if (kind === 'Linear') return [n, v('in_features') ?? sym('F')];
    if (kind === 'Embedding') return [n, sym('L')];
    if (kind === 'LSTM' || kind === 'GRU' || kind === 'RNN') {
      const f = v('input_size') ?? sym('F');
      return bound.values.get('batch_first') === true ? [n, sym('L'), f] : [sym('L'), n, f];
    }
    return null;
  }
  const channelsFirst = bound.values.get('data_format') === 'channels_first';
  const m = /^(?:Conv|Conv|SeparableConv|DepthwiseConv|MaxPooling|AveragePooling|GlobalAveragePooling|GlobalMaxPooling|UpSampling|ZeroPadding|Cropping|SpatialDropout)([123])D(?:Transpose)?$/.exec(kind);
  if (m) {
    const rank = Number(m[1]);
    const spatial = SPATIAL[rank].map(sym);
    return channelsFirst ? [null, sym('C'), ...spatial] : [null, ...spatial, sym('C')];
  }
  // BatchNormalization over axis 3 or 4, channels last (image models that normalise their input
  // first): an image or a volume; any other axis fixes no rank.
  if (kind === 'BatchNormalization') {
    const axis = bound.values.get('axis');
    return axis === 3 ? [null, sym('H'), sym('W'), sym('C')] : axis === 4 ? [null, sym('D'), sym('H'), sym('W'), sym('C')] : null;
  }
  if (kind === 'Dense') return [null, sym('F')];
  if (kind === 'Embedding') return [null, sym('L')];
  if (kind === 'LSTM' || kind === 'GRU' || kind === 'SimpleRNN') return [null, sym('T'), sym('F')];
  return null;
}

const COMMON_SIZES = [28, 32, 224, 64, 96, 128, 256, 227, 299, 48, 112, 160, 192, 384, 512, 16, 8];

/**
 * Chooses among the spatial sizes that satisfy a constraint: the only one, or the one common image
 * size among them (floor divisions make 28 and 29 give the same features). Where two common sizes
 * fit (a global pool makes 28 and 32 give the same features), or several sizes none of them
 * common, the code does not fix the size, and a guess would make wrong shapes definite: none.
 */
export function preferredSize(candidates: number[]): number | undefined {
  if (candidates.length === 1) return candidates[0];
  const common = COMMON_SIZES.filter((c) => candidates.includes(c));
  return common.length === 1 ? common[0] : undefined;
}
