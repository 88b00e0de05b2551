// Multi-file projects (test/workspaces/<name>/): each file is analysed with the rest of its
// project as the workspace, as `cnnshape check DIR` does, and checked against the expectation
// comments it carries (`# shape:`, `# error:`, `# params:`, `# source:`, about what lies in that
// file); and every model is graded against the truth real PyTorch recorded (truth.json).

import { describe, expect, it } from 'vitest';
import { checkExpectations, readExpectations } from './helpers/fixtures';
import { analyseFile, gradeProject, loadProject, localView, ownFiles, projectNames } from './helpers/workspaces';

for (const name of projectNames()) {
  describe(`workspace ${name}`, () => {
    const project = loadProject(name);
    for (const file of ownFiles(project)) {
      const text = project.texts.get(`${project.root}/${file}`)!;
      if (readExpectations(text).length === 0) continue;
      it(file, () => {
        expect(checkExpectations(text, localView(analyseFile(project, file)))).toEqual([]);
      });
    }
    if (project.truth.length > 0) {
      it('matches real PyTorch on every layer (truth.json)', () => {
        const misses = gradeProject(project).flatMap((g) => g.grade.misses.map((m) => `${g.file} (${g.model}): ${m}`));
        expect(misses).toEqual([]);
      });
    }
  });
}
