// App ids typed into one field, separated by commas or spaces: `acme, beta` → ['acme', 'beta'].
export function parseAppList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ''))];
}
