import { useEffect, useState } from 'preact/hooks';

/** The current path, kept in step with the address bar (history API, no hash routing). */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    addEventListener('medproof:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('medproof:navigate', update);
    };
  }, []);
  return path;
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  dispatchEvent(new Event('medproof:navigate'));
  window.scrollTo(0, 0);
}

/** For <a href> links: in-app navigation without a page load, still a real link for new tabs. */
export function onLink(e: MouseEvent): void {
  const a = e.currentTarget as HTMLAnchorElement;
  if (e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  e.preventDefault();
  navigate(a.pathname);
}
