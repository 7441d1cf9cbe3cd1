import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf } from './api/client.js';
import type { Me, Role } from './api/types.js';
import { ActionError } from './components/ActionError.js';
import { navigate, onLink, usePath } from './lib/router.js';
import { useAction } from './lib/useAction.js';
import { AccountPage } from './pages/AccountPage.js';
import { AdminHome } from './pages/AdminHome.js';
import { DoctorHome } from './pages/DoctorHome.js';
import { Enroll } from './pages/Enroll.js';
import { PatientHome } from './pages/PatientHome.js';
import { Register } from './pages/Register.js';
import { ResetPassword } from './pages/ResetPassword.js';
import { SecondFactor } from './pages/SecondFactor.js';
import { SecurityPage } from './pages/SecurityPage.js';
import { Setup } from './pages/Setup.js';
import { ShareLanding } from './pages/ShareLanding.js';
import { SignIn } from './pages/SignIn.js';
import { StampPage } from './pages/StampPage.js';
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
  const [signOut, signingOut] = useAction(async () => {
    try {
      await api('POST', '/api/auth/logout');
    } catch (e) {
      // A session that has already ended is signed out; any other failure leaves it open on the
      // server, so the page must not pretend otherwise.
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    setCsrf(undefined);
    setMe(null);
    navigate('/');
  }, 'could not sign out: try again');

  // A doctor's or admin's second step (or first enrolment) comes before any page but /verify; then
  // back to where they were going (a share link), or home.
  const stepDone = (m: Me) => signedIn(m, ['/', '/setup', '/register'].includes(path) ? undefined : path);
  const staff = me?.user.role === 'doctor' || me?.user.role === 'admin';

  let page;
  if (path === '/verify') page = <VerifyPage />;
  else if (path === '/v' || path.startsWith('/v/')) page = <StampPage path={path} />;
  else if (me?.stage === 'second-factor') page = <SecondFactor me={me} onDone={stepDone} />;
  else if (me?.stage === 'enroll') page = <Enroll me={me} onDone={stepDone} />;
  else if (path.startsWith('/s/'))
    page = <ShareLanding token={path.slice(3)} me={me ?? null} onSignedIn={(m) => signedIn(m, path)} />;
  else if (me === undefined) page = <p aria-busy="true">Loading…</p>;
  else if (path === '/register') page = <Register onSignedIn={signedIn} />;
  else if (path === '/reset') page = <ResetPassword />;
  else if (path === '/setup') page = <Setup onSignedIn={signedIn} />;
  else if (!me) page = <SignIn onSignedIn={signedIn} />;
  else if (path === '/account')
    page = (
      <AccountPage
        me={me}
        onSignedOut={() => {
          setCsrf(undefined);
          setMe(null);
          navigate('/');
        }}
      />
    );
  else if (path === '/patient' && me.user.role === 'patient') page = <PatientHome me={me} />;
  else if (path === '/doctor' && me.user.role === 'doctor') page = <DoctorHome me={me} />;
  else if (path === '/admin' && me.user.role === 'admin') page = <AdminHome me={me} />;
  else if (path === '/security' && staff) page = <SecurityPage />;
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
              {staff && me.stage === 'full' && (
                <a href="/security" onClick={onLink}>
                  Security
                </a>
              )}
              <a href="/account" onClick={onLink} class="whoami">
                {me.user.name} ({me.user.role})
              </a>
              <button type="button" class="link" disabled={signingOut.busy} onClick={() => void signOut()}>
                Sign out
              </button>
              <ActionError state={signingOut} />
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
