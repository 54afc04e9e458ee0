/**
 * @module
 * Config files: `loom --config site.config.ts` (or Twisted's `-y`) runs the services a
 * TypeScript file builds, instead of a command line's worth of options.
 *
 * The file is a module that exports `application`: a `MultiService` (lib/service.ts) of
 * Sites on endpoints and whatever else the program needs. The program starts it, prints
 * where it listens, and stops it on a signal, as it does `loom web`. Because it is code,
 * a config file can do what options cannot: read its ports from a file, make one virtual
 * host per folder, put children on a File.
 *
 * Twisted counterpart: a `.tac` file, run by `twistd -y web.tac`, which must set a
 * module-level `application = service.Application(…)`. Loom differs: the file is
 * TypeScript (run through tsx, as `loom web`'s modules are) and exports `application`
 * rather than assigning a global; a file that exports no service is a usage error that
 * says what it must export.
 * Tests: `test/app/config-file.test.ts`. Lesson 25 (running-a-server)
 * shows the howto's examples as config files.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { listeningPorts, type Service } from '../service.ts';
import { loadExport } from './load.ts';
import { usageError } from './options.ts';

/** The name a config file exports its services under (Twisted's `application`). */
export const CONFIG_EXPORT = 'application';

/** A started config file: where it listens, and how to stop it. */
export interface StartedConfig {
  readonly service: Service;
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

// #region config-file-load
/**
 * Import the config file at `path` (relative to `cwd`) and return its `application`.
 * @throws LoomError `LOOM_ERR_USAGE` when the file is not there, does not load, or
 * exports no service under `application`.
 */
export async function loadConfigFile(path: string, cwd: string): Promise<Service> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw usageError(`--config: no such file: ${path}`);
  let value: unknown;
  try {
    value = await loadExport(`${file}:${CONFIG_EXPORT}`, cwd, '--config');
  } catch (error) {
    throw usageError(`${(error as Error).message} A config file exports its services: export const application = new MultiService();`);
  }
  if (!isService(value)) {
    throw usageError(`--config: ${path} exports an application that is not a service (it needs start() and stop()); make it a MultiService.`);
  }
  return value;
}
// #endregion config-file-load

/** Load the config file and start its services, in order. */
export async function startConfigFile(path: string, cwd: string): Promise<StartedConfig> {
  const service = await loadConfigFile(path, cwd);
  await service.start();
  return { service, urls: listeningPorts(service).map((port) => port.url), stop: async () => service.stop() };
}

function isService(value: unknown): value is Service {
  const candidate = value as Partial<Service> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.start === 'function' && typeof candidate.stop === 'function';
}
