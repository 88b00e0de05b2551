// The settings: rule codes in the engine and in package.json's contributed settings agree in both
// directions, and Settings.from normalises whatever the client sends.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Settings } from '../../server/src/lsp/settings';
import { RULE_CODES } from '../../server/src/shapes/types';

const packageJson = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8'));
const properties: Record<string, { enum?: string[]; type?: string }> = packageJson.contributes.configuration.properties;

describe('package.json settings', () => {
  it('has a severity setting for every rule code, and no other', () => {
    const settingCodes = Object.keys(properties)
      .filter((key) => key.startsWith('cnnshape.severity.'))
      .map((key) => key.slice('cnnshape.severity.'.length));
    expect([...settingCodes].sort()).toEqual([...RULE_CODES].sort());
  });

  it('offers the same severities for every rule', () => {
    for (const code of RULE_CODES) {
      expect(properties[`cnnshape.severity.${code}`].enum).toEqual(['error', 'warning', 'information', 'hint', 'off']);
    }
  });

  it('contributes only real commands, each registered by the client', () => {
    const client = readFileSync(resolve(__dirname, '../../client/src/common.ts'), 'utf8');
    const commands: { command: string }[] = packageJson.contributes.commands;
    expect(commands.map((c) => c.command)).toEqual(['cnnshape.showModelSummary', 'cnnshape.confirm']);
    expect(client).toContain("'cnnshape.openConverted'");
    for (const { command } of commands) expect(client).toContain(`'${command}'`);
  });

  it('activates on Python files and notebooks, and supports untrusted and virtual workspaces', () => {
    expect(packageJson.activationEvents).toEqual(['onLanguage:python', 'onNotebook:jupyter-notebook']);
    expect(packageJson.capabilities.untrustedWorkspaces.supported).toBe(true);
    expect(packageJson.capabilities.virtualWorkspaces).toBe(true);
  });

  it('every setting the server reads is contributed', () => {
    for (const key of ['enable', 'inlayHints.enabled', 'defaultInputShape', 'pythonPath', 'trace.server']) {
      expect(properties).toHaveProperty([`cnnshape.${key}`]);
    }
  });
});

describe('Settings.from', () => {
  it('gives the defaults for nothing', () => {
    for (const raw of [undefined, null, 3, 'x', []]) {
      const settings = Settings.from(raw);
      expect(settings.enable).toBe(true);
      expect(settings.inlayHintsEnabled).toBe(true);
      expect(settings.defaultInputShape).toBeUndefined();
      expect(settings.severityOverrides.size).toBe(0);
    }
  });

  it('reads the nested form VS Code sends', () => {
    const settings = Settings.from({
      enable: false,
      severity: { 'linear-in-features': 'warning', 'cat-mismatch': 'off', 'not-a-rule': 'hint', 'rank-mismatch': 'loud' },
      inlayHints: { enabled: false },
      defaultInputShape: ' (1, 3, 32, 32) ',
    });
    expect(settings.enable).toBe(false);
    expect(settings.inlayHintsEnabled).toBe(false);
    expect(settings.defaultInputShape).toBe('(1, 3, 32, 32)');
    expect([...settings.severityOverrides]).toEqual([
      ['linear-in-features', 'warning'],
      ['cat-mismatch', 'off'],
    ]);
  });

  it('reads the flat form other editors may send', () => {
    const settings = Settings.from({ 'severity.conv-in-channels': 'hint', 'inlayHints.enabled': false, defaultInputShape: '' });
    expect(settings.severityOverrides.get('conv-in-channels')).toBe('hint');
    expect(settings.inlayHintsEnabled).toBe(false);
    expect(settings.defaultInputShape).toBeUndefined();
  });

  it('ignores values of the wrong type', () => {
    const settings = Settings.from({ enable: 'no', inlayHints: { enabled: 0 }, defaultInputShape: 7 });
    expect(settings.enable).toBe(true);
    expect(settings.inlayHintsEnabled).toBe(true);
    expect(settings.defaultInputShape).toBeUndefined();
  });
});
