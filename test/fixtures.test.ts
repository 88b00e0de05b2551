// Data-driven tests: every .py file under test/fixtures/ is analysed and checked against the
// expectation comments it carries (see test/helpers/fixtures.ts). A new case is a new file.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../server/src/analysis/analyze';
import { checkExpectations, readExpectations } from './helpers/fixtures';

const root = join(__dirname, 'fixtures');

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? pyFiles(full) : e.endsWith('.py') ? [full] : [];
  });
}

describe('fixtures', () => {
  for (const file of pyFiles(root).sort()) {
    it(relative(root, file), () => {
      const text = readFileSync(file, 'utf8');
      expect(readExpectations(text).length, 'a fixture needs at least one expectation comment').toBeGreaterThan(0);
      const input = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
      expect(checkExpectations(text, analyze(text, { input }))).toEqual([]);
    });
  }
});
