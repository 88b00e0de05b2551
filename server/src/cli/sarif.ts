// `cnnshape check --format sarif`: the diagnostics as a SARIF 2.1.0 log, the format GitHub code
// scanning uploads (github/codeql-action/upload-sarif). One run; one rule per rule code; one result
// per diagnostic with its region (columns in code points: the run's columnKind), its related
// locations and its fix as a replacement. Files that were skipped become tool notifications.
// In a notebook the region is the line of the .ipynb file that holds the cell line (the file is what
// code scanning shows), and the message starts with the cell and the line within it.

import type { ShapeDiagnostic } from '../analysis/result';
import { RULE_CODES, type RuleCode } from '../shapes/types';
import { placedText, placeMessage, type Placed } from './format';
import type { Checked } from './files';
import type { Place } from './sources';
import type { Skipped } from './walk';

/** One sentence per rule, for code scanning's rule list. */
export const RULE_DESCRIPTIONS: Record<RuleCode, string> = {
  'conv-in-channels': "A convolution's in_channels differs from the channels of its input.",
  'linear-in-features': "A Linear/Dense layer's in_features differs from the features of its input.",
  'norm-num-features': "A normalisation layer's num_features differs from the channels of its input.",
  'nonpositive-size': 'A layer produces a dimension of size zero or less (a kernel or pool larger than its input).',
  'reshape-size': 'A reshape or view asks for a shape whose size differs from the size of its input.',
  'cat-mismatch': 'Tensors concatenated or stacked differ in a dimension other than the one joined.',
  'broadcast-mismatch': 'Tensors combined element-wise have shapes that do not broadcast.',
  'rank-mismatch': 'A layer or op receives a tensor with the wrong number of dimensions.',
  'rnn-input-size': "A recurrent layer's input_size differs from the features of its input.",
  'groups-divisible': "A grouped convolution's channels are not divisible by its groups.",
  'embedding-dim': "An embedding's arguments contradict each other (padding_idx outside num_embeddings).",
  'shape-assert': 'A shape the code states (an assert, a jaxtyping annotation, a # shape: comment) differs from the inferred one.',
};

const LEVEL: Record<ShapeDiagnostic['severity'], string> = { error: 'error', warning: 'warning', information: 'note' };

function uri(path: string): string {
  return encodeURI(path.replace(/\\/g, '/'));
}

function region(start: Place, end: Place): Record<string, number> {
  // In a notebook only the file line is known: columns inside a JSON string are not the cell's.
  if (start.cell !== undefined) return { startLine: start.fileLine ?? 1 };
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: Math.max(end.column, start.line === end.line ? start.column + 1 : 1) };
}

function prefix(p: Place): string {
  return p.cell === undefined ? '' : `cell ${p.cell}, line ${p.line}, column ${p.column}: `;
}

/**
 * The log of a run. A diagnostic in another file of the workspace (`d.path`) is placed in that
 * file, read through `other`.
 */
export function formatSarif(checked: readonly Checked[], skipped: readonly Skipped[], version: string, other: (path: string) => Placed & { path?: string; kind?: string } = (path) => placedText(path, '')): string {
  const results = checked.flatMap(({ source: checkedSource, result }) =>
    result.diagnostics.map((d) => {
      const source = d.path === undefined ? checkedSource : { ...other(d.path), path: other(d.path).place(0, 0).path, kind: 'python' };
      const start = source.place(d.range.line, d.range.column);
      const end = source.place(d.range.endLine, d.range.endColumn);
      const location = { physicalLocation: { artifactLocation: { uri: uri(source.path) }, region: region(start, end) } };
      const out: Record<string, unknown> = {
        ruleId: d.code,
        ruleIndex: RULE_CODES.indexOf(d.code),
        level: LEVEL[d.severity],
        message: { text: prefix(start) + placeMessage(d.message, source) },
        locations: [location],
      };
      if (d.related.length > 0) {
        out.relatedLocations = d.related.map((r, id) => {
          const p = source.place(r.range.line, r.range.column);
          return { id, message: { text: prefix(p) + placeMessage(r.message, source) }, physicalLocation: { artifactLocation: { uri: uri(source.path) }, region: region(p, source.place(r.range.endLine, r.range.endColumn)) } };
        });
      }
      // A fix is a replacement in the file; a notebook's cell text is not the file's, so none there.
      if (d.fixes.length > 0 && source.kind === 'python') {
        out.fixes = d.fixes.map((f) => ({
          description: { text: f.title },
          artifactChanges: [{ artifactLocation: { uri: uri(source.path) }, replacements: [{ deletedRegion: region(source.place(f.range.line, f.range.column), source.place(f.range.endLine, f.range.endColumn)), insertedContent: { text: f.newText } }] }],
        }));
      }
      return out;
    }),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cnnshape',
            version,
            rules: RULE_CODES.map((code) => ({ id: code, name: code, shortDescription: { text: RULE_DESCRIPTIONS[code] }, defaultConfiguration: { level: 'error' } })),
          },
        },
        columnKind: 'unicodeCodePoints',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: skipped.map((s) => ({ level: 'warning', message: { text: `skipped ${s.path}: ${s.reason}` }, locations: [{ physicalLocation: { artifactLocation: { uri: uri(s.path) } } }] })),
          },
        ],
        artifacts: checked.map(({ source }) => ({ location: { uri: uri(source.path) }, ...(source.kind === 'notebook' ? { mimeType: 'application/x-ipynb+json' } : { sourceLanguage: 'python' }) })),
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
