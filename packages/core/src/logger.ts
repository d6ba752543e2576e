/** Where warnings about bad calls go; console by default, injectable so tests can read them. */
export interface Logger {
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  warn: (message) => console.warn(message),
};
