/**
 * Checks of what the settings name, before anything is started: the web config file loads (with its
 * TLS files), and the state file's directory exists and is writable (the state file, its journal and
 * the temp file of a compaction are written there), and the state files, where they exist, are
 * readable and writable. Run by `--config.check` and at every start; a failure is a ConfigError naming
 * the setting.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExporterConfig, settingName } from './config';
import { ConfigError } from './errors';
import { journalPathOf } from './journal';
import { loadWebConfig } from './webConfig';

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

export function checkPaths(config: ExporterConfig): void {
  if (config.webConfigFile) {
    loadWebConfig(config.webConfigFile);
  }
  checkStateLocation(config.stateFile);
}

function checkStateLocation(stateFile: string): void {
  const name = settingName('stateFile');
  const dir = dirname(resolve(stateFile));
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (err) {
    throw new ConfigError(
      `${name}: the directory ${dir} cannot be used (${codeOf(err)}): create it, or choose another`
    );
  }
  if (!isDirectory) {
    throw new ConfigError(`${name}: ${dir} is not a directory`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new ConfigError(
      `${name}: the directory ${dir} is not writable (${codeOf(err)}): the state, its journal and temp file are written there`
    );
  }
  for (const file of [stateFile, journalPathOf(stateFile)]) {
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (err) {
      if (codeOf(err) === 'ENOENT') {
        continue;
      }
      throw new ConfigError(`${name}: ${file} cannot be used (${codeOf(err)})`);
    }
    if (!isFile) {
      throw new ConfigError(`${name}: ${file} is not a regular file`);
    }
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new ConfigError(`${name}: ${file} is not readable and writable (${codeOf(err)})`);
    }
  }
}
