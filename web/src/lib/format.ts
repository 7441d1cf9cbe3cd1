/** "Dr. A. Deshpande (MMC 2011/04/1234), City Hospital": a v2 receipt's issuer, as the chain's commitment vouches for it. */
export const issuerLine = (who: {
  name: string;
  council: string;
  registrationNumber: string;
  institution: { name: string };
}) => `${who.name} (${who.council} ${who.registrationNumber}), ${who.institution.name}`;

export const dateTime = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const date = (ms: number) => new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium' });

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export const speed = (bytesPerSecond: number) => `${size(bytesPerSecond)}/s`;

export const DOC_TYPE_LABELS: Record<string, string> = {
  report: 'Medical report',
  certificate: 'Medical certificate',
  prescription: 'Prescription',
  'treatment-summary': 'Treatment summary',
  'lab-result': 'Lab result',
  'medical-certificate': 'Medical certificate (sick leave)',
  'fitness-certificate': 'Fitness certificate',
};
export const docTypeLabel = (t: string) => DOC_TYPE_LABELS[t] ?? t;
