// The extension's settings (`cnnshape.*`), normalised once into typed values by Settings.from(raw),
// and a per-document cache that asks the client for them. Nothing here is a server global: the
// cache lives in the object that startServer() creates, and is emptied when the settings change.
// Other features receive a Settings value; none of them reads raw configuration.

import { DEFAULT_MAX_FILE_SIZE_MB } from '../analysis/limits';
import { RULE_CODES, type RuleCode } from '../shapes/types';

export type SeverityChoice = 'error' | 'warning' | 'information' | 'hint' | 'off';

const SEVERITY_CHOICES: readonly SeverityChoice[] = ['error', 'warning', 'information', 'hint', 'off'];

export class Settings {
  private constructor(
    /** False turns every feature of the server off. */
    readonly enable: boolean,
    /** Per-rule severities the user chose; a rule missing here keeps the engine's severity. */
    readonly severityOverrides: ReadonlyMap<RuleCode, SeverityChoice>,
    readonly inlayHintsEnabled: boolean,
    /** Passed to analyze() as options.input, e.g. `(1, 3, 32, 32)`; undefined when empty. */
    readonly defaultInputShape: string | undefined,
    /** The Python interpreter whose installed libraries imports may read; undefined when empty. */
    readonly pythonPath: string | undefined = undefined,
    /** Files and notebooks larger than this many MiB are not analysed. */
    readonly maxFileSizeMb: number = DEFAULT_MAX_FILE_SIZE_MB,
    /** The mult-adds and activations beside each model's "Confirm shapes" code lens. */
    readonly costsLensEnabled: boolean = true,
  ) {}

  static readonly defaults = new Settings(true, new Map(), true, undefined, undefined, DEFAULT_MAX_FILE_SIZE_MB, true);

  /**
   * Reads the `cnnshape` section as VS Code sends it (dotted keys nested into objects) or flat
   * (`"severity.linear-in-features": "off"`). Values of the wrong type fall back to the defaults.
   */
  static from(raw: unknown): Settings {
    if (!isObject(raw)) return Settings.defaults;
    const severityOverrides = new Map<RuleCode, SeverityChoice>();
    const nestedSeverity = isObject(raw.severity) ? raw.severity : {};
    for (const code of RULE_CODES) {
      const choice = nestedSeverity[code] ?? raw[`severity.${code}`];
      if (typeof choice === 'string' && (SEVERITY_CHOICES as readonly string[]).includes(choice)) {
        severityOverrides.set(code, choice as SeverityChoice);
      }
    }
    const nestedInlayHints = isObject(raw.inlayHints) ? raw.inlayHints : {};
    const inlayHintsEnabled = nestedInlayHints.enabled ?? raw['inlayHints.enabled'];
    const defaultInputShape = typeof raw.defaultInputShape === 'string' ? raw.defaultInputShape.trim() : '';
    const pythonPath = typeof raw.pythonPath === 'string' ? raw.pythonPath.trim() : '';
    const maxFileSizeMb = typeof raw.maxFileSizeMb === 'number' && raw.maxFileSizeMb > 0 ? raw.maxFileSizeMb : DEFAULT_MAX_FILE_SIZE_MB;
    const nestedCodeLens = isObject(raw.codeLens) ? raw.codeLens : {};
    const costsLens = nestedCodeLens.costs ?? raw['codeLens.costs'];
    return new Settings(
      typeof raw.enable === 'boolean' ? raw.enable : true,
      severityOverrides,
      typeof inlayHintsEnabled === 'boolean' ? inlayHintsEnabled : true,
      defaultInputShape === '' ? undefined : defaultInputShape,
      pythonPath === '' ? undefined : pythonPath,
      maxFileSizeMb,
      typeof costsLens === 'boolean' ? costsLens : true,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Asks the client for the `cnnshape` section scoped to a document. */
export type ConfigurationReader = (scopeUri: string) => Promise<unknown>;

/**
 * Settings per document, fetched once and kept until the client says the configuration changed.
 * Without a configuration-capable client, the settings pushed by didChangeConfiguration apply to
 * every document.
 */
export class SettingsCache {
  private readonly perDocument = new Map<string, Promise<Settings>>();
  private pushedSettings: Settings = Settings.defaults;

  constructor(private readonly readConfiguration: ConfigurationReader | undefined) {}

  get(scopeUri: string): Promise<Settings> {
    if (!this.readConfiguration) return Promise.resolve(this.pushedSettings);
    let cached = this.perDocument.get(scopeUri);
    if (!cached) {
      cached = this.readConfiguration(scopeUri).then(
        (raw) => Settings.from(raw),
        () => Settings.defaults,
      );
      this.perDocument.set(scopeUri, cached);
    }
    return cached;
  }

  /** Called on workspace/didChangeConfiguration with the pushed settings object, if any. */
  changed(pushed: unknown): void {
    this.perDocument.clear();
    if (isObject(pushed) && 'cnnshape' in pushed) this.pushedSettings = Settings.from(pushed.cnnshape);
  }

  forget(scopeUri: string): void {
    this.perDocument.delete(scopeUri);
  }
}
