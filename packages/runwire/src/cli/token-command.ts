import { type Command, Option } from 'commander';
import { DEV_SECRET_FILE, readDevSecret } from '../auth/dev-secret.js';
import { readConfigFile, readEnv, tokenSecretFrom } from '../config/server-config.js';
import type { ServerConfigInput } from '../config/server-options.js';
import { toMs } from '../duration.js';
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { idProblem } from '../ids.js';
import { addServerOptions, flagInput } from './server-options.js';

/** Adds `runwire token --user ID [--ttl 1h]`. */
export function registerTokenCommand(program: Command): void {
  const command = program
    .command('token')
    .description("mint a token (HS256) for a user with the configured --jwt-secret, or the running dev server's secret")
    .requiredOption('--user <ID>', 'the user id (the token sub)')
    .addOption(new Option('--ttl <DURATION>', 'lifetime, e.g. 15m, 1h, 7d').default('1h'))
    .addOption(new Option('--admin', 'add the claim "runwire:admin": true (GET /api/admin/report, runwire report)'))
    .addHelpText(
      'after',
      `\nWith no secret configured, it signs with the secret of the dev server running in this directory (${DEV_SECRET_FILE}).\n\nExamples:\n  RUNWIRE_JWT_SECRET=… runwire token --user alice --ttl 8h\n  runwire token --user bob          (while "runwire serve" runs in dev mode here)\n`,
    );
  addServerOptions(command, new Set(['jwtSecret', 'jwtIssuer', 'jwtAudience']));
  command.action(async (opts: { user: string; ttl: string; admin?: boolean; config?: string }) => {
    const problem = idProblem(opts.user);
    if (problem !== undefined) throw new InvalidArgumentError(`--user is not a valid user id: ${problem}`);
    const env = readEnv();
    const configFile = opts.config ?? env.configFile;
    const inputs: ServerConfigInput[] = [
      configFile === undefined ? {} : readConfigFile(configFile),
      env.input,
      flagInput(command),
    ];
    let secret = tokenSecretFrom(inputs);
    if (secret === undefined) {
      secret = readDevSecret(process.cwd());
      if (secret === undefined) {
        throw new ConfigError(
          `No secret to sign with: pass --jwt-secret, set RUNWIRE_JWT_SECRET, use --config, or run this in the directory of a running dev server (runwire serve without a secret keeps its secret in ${DEV_SECRET_FILE})`,
        );
      }
      process.stderr.write(`runwire: signed with the running dev server's secret (${DEV_SECRET_FILE})\n`);
    }
    const merged: ServerConfigInput = Object.assign({}, ...inputs);
    const issuer = merged.jwtIssuer;
    const audience = merged.jwtAudience;
    const { mintToken } = await import('../auth/mint-token.js'); // jose loads only for this command
    const token = await mintToken({
      secret,
      userId: opts.user,
      ttlMs: toMs(opts.ttl, '--ttl'),
      admin: opts.admin === true,
      ...(issuer === undefined ? {} : { issuer }),
      ...(audience === undefined ? {} : { audience }),
    });
    process.stdout.write(`${token}\n`);
  });
}
