// Limits shared by the command line and the language server (plain numbers; no behaviour here).

/** Files (a notebook: its code cells) larger than this many MiB are skipped unless the limit is raised. */
export const DEFAULT_MAX_FILE_SIZE_MB = 5;
