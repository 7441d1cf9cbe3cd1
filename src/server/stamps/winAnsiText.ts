/**
 * pdf-lib's standard fonts encode WinAnsi (Latin-1 and a few more) only, and throw on anything else.
 * Text people typed (names, a diagnosis) is made printable: typographic quotes and dashes become
 * their plain forms, other characters outside Latin-1 become "?". A Unicode font would need fontkit,
 * which is not a dependency (README, known gaps).
 */
export function winAnsiText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201a]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/[\t\u00a0]/g, ' ')
    .replace(/[^\x20-\x7e\u00a1-\u00ff\n]/g, '?');
}
