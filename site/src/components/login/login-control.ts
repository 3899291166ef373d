// The header's sign-in control: asks the runner who is signed in, offers "Anmelden" (back to
// this page afterwards) or shows the name with "Abmelden".
import { API, type AuthMeResponse as Me, type LogoutResponse } from '../../../../runner/http/contract.ts';

/** The runner's login address, coming back to the page the learner is on. */
export function loginHref(loginPath: string = API.authLogin): string {
  return `${loginPath}?returnTo=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

/** Fills every control on the page (Starlight shows the header's links again in the
 * mobile menu). */
export async function mountLoginControl(root: Document): Promise<void> {
  const boxes = [...root.querySelectorAll<HTMLElement>('.wb-login')];
  if (boxes.length === 0) return;
  let me: Me;
  try {
    const response = await fetch(API.authMe, { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return;
    me = (await response.json()) as Me;
  } catch {
    return; // No runner (a static preview): nothing to sign in to.
  }
  if (!me.enabled) return;
  for (const box of boxes) show(box, me);
}

function show(box: HTMLElement, me: Me): void {
  const signIn = box.querySelector<HTMLAnchorElement>('.wb-login-in');
  const who = box.querySelector<HTMLElement>('.wb-login-who');
  const signOut = box.querySelector<HTMLButtonElement>('.wb-login-out');
  if (!signIn || !who || !signOut) return;
  box.hidden = false;
  if (!me.user) {
    signIn.href = loginHref();
    signIn.hidden = false;
    return;
  }
  who.textContent = `Angemeldet als ${me.user.name ?? me.user.email ?? 'unbekannt'}`;
  who.hidden = false;
  signOut.hidden = false;
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    let redirect = '/';
    try {
      const response = await fetch(API.authLogout, { method: 'POST', credentials: 'same-origin' });
      redirect = ((await response.json()) as Partial<LogoutResponse>).redirect ?? '/';
    } catch {
      // Offline: the session ends when it expires; show the start page anyway.
    }
    window.location.assign(redirect);
  });
}
