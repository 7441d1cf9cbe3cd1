import { useEffect } from 'preact/hooks';

/**
 * Each page's own title, so a tab, the history list and a screen reader (which reads it on load) say
 * where the user is. The portal's name comes last: the part that differs is what shows in a narrow tab.
 */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · medproof`;
  }, [title]);
}
