// Multi-file projects under test/workspaces/<name>/: loading one as a workspace held in memory,
// analysing its files as the CLI's `check DIR` does, the view of one file's own expectations, and
// grading the models against the truth that real PyTorch recorded (truth.json, written by
// scripts/truth/workspace_truth.py). Used by test/workspaces.test.ts and `npm run eval:workspace`.
//
// A project holds workspace.json: "scripts" (run for the truth), and optionally "input" (the
// --input flag), "model" (--model), "libraries" (folders of the project that stand for an
// environment's site-packages).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze } from '../../server/src/analysis/analyze';
import type { AnalysisResult, LayerRecord, ModelResult } from '../../server/src/analysis/result';
export { inAnalysedFile as localView } from '../../server/src/analysis/view';
import { dimToJson } from '../../server/src/shapes/dim';
import type { Output } from '../../server/src/shapes/types';
import { TupleOut } from '../../server/src/shapes/types';
import { ModuleCache, workspaceFromTexts, type Workspace } from '../../server/src/workspace/files';
import { normalisePath } from '../../server/src/workspace/paths';

/** test/workspaces, from this helper's folder or from dist/ (the eval script's bundle). */
export const WORKSPACES = [join(__dirname, '..', 'workspaces'), join(__dirname, '..', 'test', 'workspaces')].find((d) => existsSync(d)) ?? join(__dirname, '..', 'workspaces');

export interface TruthLayer {
  kind: string;
  file: string | null;
  line: number | null;
  output: number[] | null;
}

export interface TruthModel {
  class: string;
  /** The script's variable holding the model (a model of an installed library is named by it). */
  var?: string;
  file: string | null;
  script: string;
  input: number[][];
  layers: TruthLayer[];
}

export interface Project {
  name: string;
  root: string;
  /** Path (absolute, '/') → text, for every file of the project. */
  texts: Map<string, string>;
  spec: { scripts: string[]; input?: string; model?: string; libraries?: string[] };
  truth: TruthModel[];
  workspace: Workspace;
}

/** The projects (folders holding a workspace.json) under `base`. */
export function projectNames(base = WORKSPACES): string[] {
  return readdirSync(base)
    .filter((e) => existsSync(join(base, e, 'workspace.json')))
    .sort();
}

export function loadProject(name: string, base = WORKSPACES): Project {
  const root = normalisePath(join(base, name));
  const texts = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const full = join(dir, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (e.endsWith('.py')) texts.set(normalisePath(full), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  const spec = JSON.parse(readFileSync(join(root, 'workspace.json'), 'utf8'));
  let truth: TruthModel[] = [];
  try {
    truth = JSON.parse(readFileSync(join(root, 'truth.json'), 'utf8')).models;
  } catch {
    truth = [];
  }
  const libraries = (spec.libraries ?? []).map((l: string) => `${root}/${l}`);
  const workspace = workspaceFromTexts(texts, { roots: [root, `${root}/src`], libraries, cache: new ModuleCache() });
  return { name, root, texts, spec, truth, workspace };
}

/** The project's own files (not those standing for an installed library), relative to its folder. */
export function ownFiles(project: Project): string[] {
  return [...project.workspace.files.list()].map((p) => relative(project.root, p));
}

export function analyseFile(project: Project, file: string): AnalysisResult {
  const path = `${project.root}/${file}`;
  return analyze(project.texts.get(path) ?? '', { path, workspace: project.workspace, input: project.spec.input, model: project.spec.model });
}

function outputJson(o: Output): unknown {
  if (o instanceof TupleOut) return o.items.map(outputJson);
  return o === null ? null : o.map(dimToJson);
}

export interface Grade {
  exact: number;
  total: number;
  misses: string[];
}

/** The model of a truth entry in an analysis of `analysedFile` (relative paths): by its class, or for a class of an installed library by the script's variable. */
export function findModel(project: Project, result: AnalysisResult, analysedFile: string, truth: TruthModel): ModelResult | undefined {
  const wanted = truth.file === null ? null : `${project.root}/${truth.file}`;
  const analysed = `${project.root}/${analysedFile}`;
  if (wanted !== null && project.workspace.libraries.some((l) => wanted.startsWith(`${l}/`))) return result.models.find((m) => m.name === truth.var && m.path === undefined);
  return result.models.find((m) => m.name === truth.class && (m.path ?? analysed) === wanted);
}

/** Matches the truth's layers in order to the model's layer records (kind, file, line) and counts the exact outputs. */
export function gradeModel(project: Project, model: ModelResult | undefined, analysedFile: string, truth: TruthModel): Grade {
  const misses: string[] = [];
  let exact = 0;
  const ours = (model?.layers ?? []).filter((l) => l.module);
  const analysed = `${project.root}/${analysedFile}`;
  const at = (l: LayerRecord) => relative(project.root, l.path ?? analysed);
  let j = 0;
  for (const t of truth.layers) {
    let k = j;
    while (k < ours.length && !(ours[k].kind === t.kind && (t.file === null || at(ours[k]) === t.file) && (t.line === null || ours[k].range.line + 1 === t.line))) k++;
    const where = `${t.kind} at ${t.file}:${t.line}`;
    if (k >= ours.length) {
      misses.push(`${where}: not found`);
      continue;
    }
    j = k + 1;
    const got = outputJson(ours[k].output);
    if (JSON.stringify(got) === JSON.stringify(t.output)) exact++;
    else misses.push(`${where}: expected ${JSON.stringify(t.output)}, got ${JSON.stringify(got)}`);
  }
  return { exact, total: truth.layers.length, misses };
}

/** Every truth model graded in the analyses of its script and of its class's own file. */
export function gradeProject(project: Project): { file: string; model: string; grade: Grade }[] {
  const out: { file: string; model: string; grade: Grade }[] = [];
  const results = new Map<string, AnalysisResult>();
  const resultOf = (file: string) => {
    let r = results.get(file);
    if (!r) results.set(file, (r = analyseFile(project, file)));
    return r;
  };
  for (const t of project.truth) {
    const files = [t.script, ...(t.file !== null && t.file !== t.script && ownFiles(project).includes(t.file) ? [t.file] : [])];
    for (const f of files) {
      const model = findModel(project, resultOf(f), f, t);
      out.push({ file: f, model: t.class, grade: gradeModel(project, model, f, t) });
    }
  }
  return out;
}
