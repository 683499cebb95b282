// The one error configuration loading throws: every problem found, each naming the key path (or the
// environment variable / file) and what was expected, so a bad config is fixed in one round trip.
// Messages never carry secret values (see format-issues.ts and secrets.ts).

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Bounded code for logs and metrics labels. */
  readonly code = 'CONFIG_INVALID';
  /** One line per problem, e.g. `accounts[0].port: expected an integer between 1 and 65535, got "abc"`. */
  readonly issues: string[];
  /** The config file that was read, when there was one. */
  readonly file: string | undefined;

  constructor(issues: string[], file?: string) {
    const where = file === undefined ? 'invalid configuration' : `invalid configuration (${file})`;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${where}, ${count}:\n${issues.map((line) => `  - ${line}`).join('\n')}`);
    this.issues = issues;
    this.file = file;
  }
}
