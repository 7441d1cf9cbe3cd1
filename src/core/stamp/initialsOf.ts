/**
 * A name as a stamp's summary shows it: initials only (`Meera Rao` → `M. R.`), enough for a verifier
 * holding the paper to match it, too little to identify anyone from the page alone. At most four.
 */
export function initialsOf(name: string): string {
  return name
    .trim()
    .split(/[\s.]+/)
    .filter((w) => w !== '')
    .slice(0, 4)
    .map((w) => `${Array.from(w)[0]!.toLocaleUpperCase()}.`)
    .join(' ');
}
