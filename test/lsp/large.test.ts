// Large documents never hold up the language server: one over the size limit (setting
// cnnshape.maxFileSizeMb) is not analysed and says so; the analysis of a large one is cancelled by
// its next edit (the relay thread sees the edit while the analysis runs, see server/src/lsp/relay.ts),
// so its stale diagnostics are never published and the new version's come instead.

import { afterEach, describe, expect, it } from 'vitest';
import { positionOf, TestClient } from './harness';

const BAD_MODEL = `import torch.nn as nn
# input: (1, 1, 28, 28)
net = nn.Sequential(nn.Flatten(), nn.Linear(100, 10))
`;

/** About 1.1 MiB of shape-correct models, a thousand and some: seconds of analysis. */
function largeText(): string {
  const parts = ['import torch\nimport torch.nn as nn\n'];
  for (let i = 0; parts.join('').length < 1.1 * 1048576; i++) {
    const block = [];
    for (let j = 0; j < 50; j++) {
      const n = i * 50 + j;
      block.push(`
# input: (1, 3, 32, 32)
class Net${n}(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, ${8 + (n % 8)}, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(${8 + (n % 8)} * 16 * 16, 10)

    def forward(self, x):
        x = self.features(x)
        return self.head(torch.flatten(x, 1))
`);
    }
    parts.push(block.join(''));
  }
  return parts.join('');
}
const LARGE = largeText();

let client: TestClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

describe('large documents', () => {
  it('skips a document over the size limit with an information message, and answers hovers', async () => {
    client = await TestClient.start({ maxFileSizeMb: 0.5 });
    const uri = 'file:///large/over-limit.py';
    await client.openDocument(uri, LARGE + BAD_MODEL);
    const diagnostics = await client.diagnostics(uri);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].severity).toBe(3);
    expect(diagnostics[0].message).toMatch(/^cnnshape: not checked: this file \(1\.\d MiB\) is over the size limit of 0\.5 MiB \(setting cnnshape\.maxFileSizeMb\)$/);
    expect(await client.hover(uri, positionOf(LARGE + BAD_MODEL, 'nn.Linear(100'))).toBeNull();
  });

  it('cancels the analysis of a large document at its next edit and analyses the new version', async () => {
    client = await TestClient.start();
    const uri = 'file:///large/edited.py';
    await client.openDocument(uri, LARGE, 1);
    // The server says when a large document's analysis starts; the edit is sent while it runs.
    await waitFor(() => client!.logs.some((l) => l.includes(`analysing ${uri}`) && l.endsWith('version 1')), 'the analysis to start');
    await client.changeDocument(uri, 2, [{ text: BAD_MODEL }]);
    const diagnostics = await client.diagnostics(uri, { version: 2, timeoutMs: 60000 });
    expect(diagnostics.map((d) => d.code)).toEqual(['linear-in-features']);
    expect(client.logs.some((l) => l.includes(`the analysis of ${uri}, version 1, was cancelled by a newer edit`))).toBe(true);
    // The stale version's diagnostics were never published.
    expect(client.published.filter((p) => p.uri === uri && p.version === 1)).toEqual([]);
    const hover = await client.hover(uri, positionOf(BAD_MODEL, 'nn.Linear'));
    expect(hover).not.toBeNull();
  }, 120000);
});
