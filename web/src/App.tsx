import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf } from './api/client.js';
import type { Me, Role } from './api/types.js';
import { navigate, onLink, usePath } from './lib/router.js';
import { AdminHome } from './pages/AdminHome.js';
import { DoctorHome } from './pages/DoctorHome.js';
import { PatientHome } from './pages/PatientHome.js';
import { Register } from './pages/Register.js';
import { Setup } from './pages/Setup.js';
import { ShareLanding } from './pages/ShareLanding.js';
import { SignIn } from './pages/SignIn.js';
import { VerifyPage } from './pages/VerifyPage.js';

const HOME: Record<Role, string> = { patient: '/patient', doctor: '/doctor', admin: '/admin' };

export function App() {
  const path = usePath();
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    api<Me>('GET', '/api/me').then(
      (m) => {
        setCsrf(m.csrfToken);
        setMe(m);
      },
      (e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
        setMe(null);
      },
    );
  }, []);

  const signedIn = (m: Me, to?: string) => {
    setCsrf(m.csrfToken);
    setMe(m);
    navigate(to ?? HOME[m.user.role]);
  };
  const signOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setCsrf(undefined);
    setMe(null);
    navigate('/');
  };

  let page;
  if (path === '/verify') page = <VerifyPage />;
  else if (path.startsWith('/s/'))
    page = <ShareLanding token={path.slice(3)} me={me ?? null} onSignedIn={(m) => signedIn(m, path)} />;
  else if (me === undefined) page = <p aria-busy="true">Loading…</p>;
  else if (path === '/register') page = <Register onSignedIn={signedIn} />;
  else if (path === '/setup') page = <Setup onSignedIn={signedIn} />;
  else if (!me) page = <SignIn onSignedIn={signedIn} />;
  else if (path === '/patient' && me.user.role === 'patient') page = <PatientHome me={me} />;
  else if (path === '/doctor' && me.user.role === 'doctor') page = <DoctorHome me={me} />;
  else if (path === '/admin' && me.user.role === 'admin') page = <AdminHome me={me} />;
  else {
    queueMicrotask(() => navigate(HOME[me.user.role]));
    page = <p aria-busy="true">Loading…</p>;
  }

  return (
    <>
      <header class="topbar">
        <a class="brand" href="/" onClick={onLink}>
          medproof
        </a>
        <nav aria-label="Main">
          <a href="/verify" onClick={onLink}>
            Verify a document
          </a>
          {me && (
            <>
              <a href={HOME[me.user.role]} onClick={onLink}>
                My {me.user.role === 'admin' ? 'administration' : 'records'}
              </a>
              <span class="whoami">
                {me.user.name} ({me.user.role})
              </span>
              <button type="button" class="link" onClick={() => void signOut()}>
                Sign out
              </button>
            </>
          )}
        </nav>
      </header>
      <main id="main">{page}</main>
      <footer class="footer">
        <p>
          Documents are anchored on an Ethereum chain: anyone can check them without trusting this portal.
        </p>
      </footer>
    </>
  );
}
