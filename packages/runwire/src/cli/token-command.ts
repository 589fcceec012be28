import { type Command, Option } from 'commander';
import { readConfigFile, readEnv, type ServerConfigInput, tokenSecretFrom } from '../config/server-config.js';
import { toMs } from '../duration.js';
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { idProblem } from '../ids.js';
import { addServerOptions, flagInput } from './server-options.js';

/** Adds `runwire token --user ID [--ttl 1h]`. */
export function registerTokenCommand(program: Command): void {
  const command = program
    .command('token')
    .description('mint a token (HS256) for a user with the configured --jwt-secret')
    .requiredOption('--user <ID>', 'the user id (the token sub)')
    .addOption(new Option('--ttl <DURATION>', 'lifetime, e.g. 15m, 1h, 7d').default('1h'))
    .addOption(new Option('--admin', 'add the claim "runwire:admin": true (GET /api/admin/report, runwire report)'))
    .addHelpText('after', '\nExample:\n  RUNWIRE_JWT_SECRET=… runwire token --user alice --ttl 8h\n');
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
    const secret = tokenSecretFrom(inputs);
    if (secret === undefined) {
      throw new ConfigError('No secret to sign with: pass --jwt-secret, set RUNWIRE_JWT_SECRET, or use --config');
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
