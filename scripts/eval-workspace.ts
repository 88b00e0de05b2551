// `npm run eval:workspace`: grades the engine on the multi-file projects under test/workspaces/.
// Each project is analysed file by file with the rest of the project as its workspace (as
// `cnnshape check DIR` does); every model a script of the project builds is compared, layer by
// layer, with what real PyTorch produced (truth.json, from scripts/truth/workspace_truth.py), both
// in the analysis of the script that builds it and in that of the file that defines it. It also
// counts the errors reported on the projects whose files carry no `# error:` comment (false
// errors). Prints figures; exits 0 either way. `--verbose` lists the misses; `--projects DIR` grades
// the projects of another folder (each a folder with a workspace.json and a truth.json).

import { resolve } from 'node:path';

import { readExpectations } from '../test/helpers/fixtures';
import { analyseFile, gradeProject, loadProject, ownFiles, projectNames, WORKSPACES } from '../test/helpers/workspaces';
import { loadParser } from '../server/src/platform/node-parser';

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const at = process.argv.indexOf('--projects');
  const base = at >= 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : WORKSPACES;
  let exact = 0;
  let total = 0;
  let falseErrors = 0;
  let models = 0;
  let modelsFound = 0;
  console.log('Workspaces (layer output shapes equal to real PyTorch, per analysed file):');
  for (const name of projectNames(base)) {
    const project = loadProject(name, base);
    for (const g of gradeProject(project)) {
      exact += g.grade.exact;
      total += g.grade.total;
      models++;
      if (g.grade.misses.length < g.grade.total || g.grade.total === 0) modelsFound++;
      console.log(`  ${name.padEnd(18)} ${g.file.padEnd(26)} ${g.model.padEnd(14)} ${String(g.grade.exact).padStart(3)}/${String(g.grade.total).padEnd(3)}`);
      if (verbose) for (const m of g.grade.misses.slice(0, 8)) console.log(`        ${m}`);
    }
    for (const file of ownFiles(project)) {
      const expectedErrors = readExpectations(project.texts.get(`${project.root}/${file}`) ?? '').filter((e) => e.kind === 'error').length;
      const result = analyseFile(project, file);
      const located = result.diagnostics.filter((d) => d.path === undefined);
      if (located.length > expectedErrors) {
        falseErrors += located.length - expectedErrors;
        console.log(`  ${name.padEnd(18)} ${file.padEnd(26)} UNEXPECTED ERRORS: ${located.map((d) => `${d.code}@${d.range.line + 1}`).join(', ')}`);
      }
    }
  }
  const pct = total ? ((100 * exact) / total).toFixed(1) : '0';
  console.log('\nSummary:');
  console.log(`  ${exact}/${total} layer shapes exact (${pct}%) over ${models} model analyses (${modelsFound} found)`);
  console.log(`  errors beyond the expected ones: ${falseErrors}`);
}

void loadParser().then(main);
