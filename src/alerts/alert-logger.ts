/** The slice of a pino logger the alerter uses (pino's `logger` fits as is). */
export interface AlertLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: AlertLogger = { info() {}, warn() {}, error() {} };
