/** Where warnings about bad calls go; console by default, injectable so tests can read them. */
export interface Logger {
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  warn: (message) => console.warn(message),
};

/** A thrown value as text; never throws itself, whatever the host threw. */
export function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return `<${typeof error}>`;
  }
}
